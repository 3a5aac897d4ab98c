// Client-side registration of the typing service (create only; its events arrive as `typing created`).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Typing, TypingData } from './typing.schema'

export type { Typing, TypingData }

export interface TypingClientService {
  create(data: TypingData, params?: Params): Promise<Typing>
}

export const typingPath = 'typing'

export const typingMethods = ['create'] as const

export const typingClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(typingPath, connection.service(typingPath), { methods: [...typingMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [typingPath]: TypingClientService
  }
}
