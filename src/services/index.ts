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
import { job } from './jobs/jobs'
import { receipt } from './receipts/receipts'
import { unreadCount } from './unread-counts/unread-counts'
import { messageVersion } from './message-versions/message-versions'
import { typing } from './typing/typing'
import { presence } from './presence/presence'
import { friendship } from './friendships/friendships'
import { userSearch } from './user-search/user-search'
import { notification } from './notifications/notifications'
import { notificationPreference } from './notification-preferences/notification-preferences'
import { pushSubscription } from './push-subscriptions/push-subscriptions'
import { devMailbox } from './dev-mailbox/dev-mailbox'
import { webhook } from './webhooks/webhooks'
import { webhookDelivery } from './webhook-deliveries/webhook-deliveries'
import { upload } from './uploads/uploads'
import { analytics } from './analytics/analytics'
import { search } from './search/search'
import { catchUp } from './catch-up/catch-up'

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
  app.configure(job)
  app.configure(receipt)
  app.configure(unreadCount)
  app.configure(messageVersion)
  app.configure(typing)
  app.configure(presence)
  app.configure(friendship)
  app.configure(userSearch)
  app.configure(notification)
  app.configure(notificationPreference)
  app.configure(pushSubscription)
  app.configure(devMailbox)
  app.configure(webhook)
  app.configure(webhookDelivery)
  app.configure(upload)
  app.configure(analytics)
  app.configure(search)
  app.configure(catchUp)
}
