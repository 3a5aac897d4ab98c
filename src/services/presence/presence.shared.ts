// Client-side registration of the presence service; transitions arrive as `presence patched` events.
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Heartbeat, Presence, PresenceData, PresencePage, PresenceQuery } from './presence.schema'

export type { Heartbeat, Presence, PresenceData, PresencePage, PresenceQuery }

export interface PresenceClientService {
  find(params?: Params<PresenceQuery>): Promise<PresencePage>
  create(data: PresenceData, params?: Params): Promise<Heartbeat>
}

export const presencePath = 'presence'

export const presenceMethods = ['find', 'create'] as const

export const presenceClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(presencePath, connection.service(presencePath), { methods: [...presenceMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [presencePath]: PresenceClientService
  }
}
