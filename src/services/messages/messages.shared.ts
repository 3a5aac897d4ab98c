// Client-side registration of the messages service.
import type { ClientApplication } from '../../client'
import type { Id, Params } from '@feathersjs/feathers'
import type { Message, MessageData, MessagePage, MessagePatch, MessageQuery } from './messages.class'

export type { Message, MessageData, MessagePage, MessagePatch, MessageQuery }

// What clients call; params are optional on the wire.
export interface MessageClientService {
  find(params?: Params<MessageQuery>): Promise<MessagePage>
  get(id: Id, params?: Params): Promise<Message>
  create(data: MessageData, params?: Params): Promise<Message>
  patch(id: Id, data: MessagePatch, params?: Params): Promise<Message>
  remove(id: Id, params?: Params): Promise<Message>
}

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
