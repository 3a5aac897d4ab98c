// Client-side registration of the notification-preferences service; changes arrive on my own devices as
// `notification-preferences created/patched/removed`.
import type { Id, Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type {
  NotificationLevel,
  NotificationPreference,
  NotificationPreferenceData,
  NotificationPreferencePage,
  NotificationPreferencePatch,
  NotificationPreferenceQuery
} from './notification-preferences.schema'

export type {
  NotificationLevel,
  NotificationPreference,
  NotificationPreferenceData,
  NotificationPreferencePage,
  NotificationPreferencePatch,
  NotificationPreferenceQuery
}

export interface NotificationPreferenceClientService {
  find(params?: Params<NotificationPreferenceQuery>): Promise<NotificationPreferencePage>
  get(id: Id, params?: Params): Promise<NotificationPreference>
  create(data: NotificationPreferenceData, params?: Params): Promise<NotificationPreference>
  patch(id: Id, data: NotificationPreferencePatch, params?: Params): Promise<NotificationPreference>
  remove(id: Id, params?: Params): Promise<NotificationPreference>
}

export const notificationPreferencePath = 'notification-preferences'

export const notificationPreferenceMethods = ['find', 'get', 'create', 'patch', 'remove'] as const

export const notificationPreferenceClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(notificationPreferencePath, connection.service(notificationPreferencePath), {
    methods: [...notificationPreferenceMethods]
  })
}

declare module '../../client' {
  interface ServiceTypes {
    [notificationPreferencePath]: NotificationPreferenceClientService
  }
}
