// Client-side registration of the unread-counts service (find only).
import type { ClientApplication } from '../../client'
import type { UnreadCount, UnreadCountQuery, UnreadCountService } from './unread-counts.class'

export type { UnreadCount, UnreadCountQuery }

export type UnreadCountClientService = Pick<UnreadCountService, (typeof unreadCountMethods)[number]>

export const unreadCountPath = 'unread-counts'

export const unreadCountMethods = ['find'] as const

export const unreadCountClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(unreadCountPath, connection.service(unreadCountPath), { methods: [...unreadCountMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [unreadCountPath]: UnreadCountClientService
  }
}
