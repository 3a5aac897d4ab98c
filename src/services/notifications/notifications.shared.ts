// Client-side registration of the notifications service; changes arrive as `notifications created/patched/removed`
// on the owner's devices only.
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type {
  Notification,
  NotificationPage,
  NotificationPatch,
  NotificationQuery,
  NotificationType
} from './notifications.schema'

export type { Notification, NotificationPage, NotificationPatch, NotificationQuery, NotificationType }

export interface NotificationClientService {
  find(params?: Params<NotificationQuery>): Promise<NotificationPage>
  get(id: Id, params?: Params): Promise<Notification>
  patch(id: Id, data: NotificationPatch, params?: Params): Promise<Notification>
  patch(id: null, data: NotificationPatch, params?: Params<NotificationQuery>): Promise<Notification[]>
  patch(id: NullableId, data: NotificationPatch, params?: Params): Promise<Notification | Notification[]>
  remove(id: Id, params?: Params): Promise<Notification>
}

export const notificationPath = 'notifications'

export const notificationMethods = ['find', 'get', 'patch', 'remove'] as const

export const notificationClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(notificationPath, connection.service(notificationPath), { methods: [...notificationMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [notificationPath]: NotificationClientService
  }
}
