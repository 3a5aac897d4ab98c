// Typed Feathers client for every ChatBoard service, over Socket.IO or REST (pass the transport connection).
import { feathers } from '@feathersjs/feathers'
import type { TransportConnection, Application, Params } from '@feathersjs/feathers'
import type { AuthenticationResult } from '@feathersjs/authentication'
import authenticationClient from '@feathersjs/authentication-client'
import type { AuthenticationClientOptions } from '@feathersjs/authentication-client'
import { userClient } from './services/users/users.shared'
import { orgClient } from './services/orgs/orgs.shared'
import { inviteClient } from './services/invites/invites.shared'
import { inviteAcceptanceClient } from './services/invite-acceptances/invite-acceptances.shared'
import { apiKeyClient } from './services/api-keys/api-keys.shared'
import { auditLogClient } from './services/audit-logs/audit-logs.shared'
import { roomClient } from './services/rooms/rooms.shared'
import { memberClient } from './services/members/members.shared'
import { messageClient } from './services/messages/messages.shared'

export type { User, UserData, UserQuery, UserPatch } from './services/users/users.shared'
export type { Org, OrgData, OrgQuery, OrgPatch } from './services/orgs/orgs.shared'
export type { Invite, InviteData, InviteQuery } from './services/invites/invites.shared'
export type { InviteAcceptance, InviteAcceptanceData } from './services/invite-acceptances/invite-acceptances.shared'
export type { ApiKey, ApiKeyData, ApiKeyQuery } from './services/api-keys/api-keys.shared'
export type { AuditLog, AuditLogQuery } from './services/audit-logs/audit-logs.shared'
export type { Room, RoomData, RoomPatch, RoomQuery } from './services/rooms/rooms.shared'
export type { Member, MemberData, MemberPatch, MemberQuery } from './services/members/members.shared'
export type { Message, MessageData, MessagePage, MessagePatch, MessageQuery } from './services/messages/messages.shared'

export interface Configuration {
  connection: TransportConnection<ServiceTypes>
}

// The authentication service: log in (`local`, `refresh`, `jwt`) with create, log out with remove.
export interface AuthenticationClientService {
  create(data: { strategy: string; [key: string]: unknown }, params?: Params): Promise<AuthenticationResult>
  remove(id: string | null, params?: Params): Promise<AuthenticationResult>
}

export interface ServiceTypes {
  authentication: AuthenticationClientService
}

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
  client.configure(inviteClient)
  client.configure(inviteAcceptanceClient)
  client.configure(apiKeyClient)
  client.configure(auditLogClient)
  client.configure(roomClient)
  client.configure(memberClient)
  client.configure(messageClient)
  return client
}
