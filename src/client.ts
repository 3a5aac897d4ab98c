// Typed Feathers client for every ChatBoard service, over Socket.IO or REST (pass the transport connection).
import { feathers } from '@feathersjs/feathers'
import type { TransportConnection, Application } from '@feathersjs/feathers'
import authenticationClient from '@feathersjs/authentication-client'
import type { AuthenticationClientOptions } from '@feathersjs/authentication-client'
import { userClient } from './services/users/users.shared'
import { orgClient } from './services/orgs/orgs.shared'

export type { User, UserData, UserQuery, UserPatch } from './services/users/users.shared'
export type { Org, OrgData, OrgQuery, OrgPatch } from './services/orgs/orgs.shared'

export interface Configuration {
  connection: TransportConnection<ServiceTypes>
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServiceTypes {}

export type ClientApplication = Application<ServiceTypes, Configuration>

export const createClient = <Configuration = any>(
  connection: TransportConnection<ServiceTypes>,
  authenticationOptions: Partial<AuthenticationClientOptions> = {}
) => {
  const client: ClientApplication = feathers()
  client.configure(connection)
  client.configure(authenticationClient(authenticationOptions))
  client.set('connection', connection)
  client.configure(userClient)
  client.configure(orgClient)
  return client
}
