// Client-side registration of the invite-acceptances service (create only).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type {
  InviteAcceptance,
  InviteAcceptanceData,
  InviteAcceptanceService
} from './invite-acceptances.class'

export type { InviteAcceptance, InviteAcceptanceData }

export type InviteAcceptanceClientService = Pick<
  InviteAcceptanceService<Params>,
  (typeof inviteAcceptanceMethods)[number]
>

export const inviteAcceptancePath = 'invite-acceptances'

export const inviteAcceptanceMethods: Array<'create'> = ['create']

export const inviteAcceptanceClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(inviteAcceptancePath, connection.service(inviteAcceptancePath), {
    methods: inviteAcceptanceMethods
  })
}

declare module '../../client' {
  interface ServiceTypes {
    [inviteAcceptancePath]: InviteAcceptanceClientService
  }
}
