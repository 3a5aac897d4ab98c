// Client-side registration of the push-subscriptions service (my devices for web push).
import type { Id, Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type {
  PushSubscription,
  PushSubscriptionData,
  PushSubscriptionPage,
  PushSubscriptionQuery
} from './push-subscriptions.schema'

export type { PushSubscription, PushSubscriptionData, PushSubscriptionPage, PushSubscriptionQuery }

export interface PushSubscriptionClientService {
  find(params?: Params<PushSubscriptionQuery>): Promise<PushSubscriptionPage>
  get(id: Id, params?: Params): Promise<PushSubscription>
  create(data: PushSubscriptionData, params?: Params): Promise<PushSubscription>
  remove(id: Id, params?: Params): Promise<PushSubscription>
}

export const pushSubscriptionPath = 'push-subscriptions'

export const pushSubscriptionMethods = ['find', 'get', 'create', 'remove'] as const

export const pushSubscriptionClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(pushSubscriptionPath, connection.service(pushSubscriptionPath), {
    methods: [...pushSubscriptionMethods]
  })
}

declare module '../../client' {
  interface ServiceTypes {
    [pushSubscriptionPath]: PushSubscriptionClientService
  }
}
