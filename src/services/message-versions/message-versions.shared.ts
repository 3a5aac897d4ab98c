// Client-side registration of the message-versions service (find only).
import type { ClientApplication } from '../../client'
import type {
  MessageVersion,
  MessageVersionPage,
  MessageVersionQuery,
  MessageVersionService
} from './message-versions.class'

export type { MessageVersion, MessageVersionPage, MessageVersionQuery }

export type MessageVersionClientService = Pick<MessageVersionService, (typeof messageVersionMethods)[number]>

export const messageVersionPath = 'message-versions'

export const messageVersionMethods = ['find'] as const

export const messageVersionClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(messageVersionPath, connection.service(messageVersionPath), {
    methods: [...messageVersionMethods]
  })
}

declare module '../../client' {
  interface ServiceTypes {
    [messageVersionPath]: MessageVersionClientService
  }
}
