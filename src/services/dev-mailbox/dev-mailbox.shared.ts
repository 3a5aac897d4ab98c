// Client-side registration of the dev-mailbox service (present on servers without SMTP only).
import type { Id, Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { DevMail, DevMailPage, DevMailQuery } from './dev-mailbox.schema'

export type { DevMail, DevMailPage, DevMailQuery }

export interface DevMailboxClientService {
  find(params?: Params<DevMailQuery>): Promise<DevMailPage>
  get(id: Id, params?: Params): Promise<DevMail>
}

export const devMailboxPath = 'dev-mailbox'

export const devMailboxMethods = ['find', 'get'] as const

export const devMailboxClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(devMailboxPath, connection.service(devMailboxPath), { methods: [...devMailboxMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [devMailboxPath]: DevMailboxClientService
  }
}
