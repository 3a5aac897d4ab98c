// Client-side registration of the invites service.
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Invite, InviteData, InviteQuery, InviteService } from './invites.class'

export type { Invite, InviteData, InviteQuery }

export type InviteClientService = Pick<InviteService<Params<InviteQuery>>, (typeof inviteMethods)[number]>

export const invitePath = 'invites'

export const inviteMethods: Array<keyof InviteService> = ['find', 'get', 'create', 'remove']

export const inviteClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(invitePath, connection.service(invitePath), { methods: inviteMethods })
}

declare module '../../client' {
  interface ServiceTypes {
    [invitePath]: InviteClientService
  }
}
