// Client-side registration of the messages service.
import type { ClientApplication } from '../../client'
import type { Message, MessageData, MessagePage, MessagePatch, MessageQuery, MessageService } from './messages.class'

export type { Message, MessageData, MessagePage, MessagePatch, MessageQuery }

export type MessageClientService = Pick<MessageService, (typeof messageMethods)[number]>

export const messagePath = 'messages'

export const messageMethods = ['find', 'get', 'create', 'patch', 'remove'] as const

export const messageClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(messagePath, connection.service(messagePath), { methods: [...messageMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [messagePath]: MessageClientService
  }
}
