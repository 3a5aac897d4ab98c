// Client-side registration of the unread-counts service (find only).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { UnreadCount, UnreadCountQuery } from './unread-counts.class'

export type { UnreadCount, UnreadCountQuery }

export interface UnreadCountClientService {
  find(params?: Params<UnreadCountQuery>): Promise<UnreadCount[]>
}

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
