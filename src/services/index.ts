// Registers every service; each one's file holds its hooks table and event publishing.
import type { Application } from '../declarations'
import { user } from './users/users'
import { org } from './orgs/orgs'
import { invite } from './invites/invites'
import { inviteAcceptance } from './invite-acceptances/invite-acceptances'
import { apiKey } from './api-keys/api-keys'
import { auditLog } from './audit-logs/audit-logs'
import { room } from './rooms/rooms'
import { member } from './members/members'
import { message } from './messages/messages'

export const services = (app: Application) => {
  app.configure(user)
  app.configure(org)
  app.configure(invite)
  app.configure(inviteAcceptance)
  app.configure(apiKey)
  app.configure(auditLog)
  app.configure(room)
  app.configure(member)
  app.configure(message)
}
