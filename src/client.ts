// Typed Feathers client for every ChatBoard service, over Socket.IO or REST (pass the transport connection).
import { feathers } from '@feathersjs/feathers'
import type { TransportConnection, Application, Params } from '@feathersjs/feathers'
import type { AuthenticationResult } from '@feathersjs/authentication'
import authenticationClient, { MemoryStorage } from '@feathersjs/authentication-client'
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
import { jobClient } from './services/jobs/jobs.shared'
import { receiptClient } from './services/receipts/receipts.shared'
import { unreadCountClient } from './services/unread-counts/unread-counts.shared'
import { messageVersionClient } from './services/message-versions/message-versions.shared'
import { typingClient } from './services/typing/typing.shared'
import { presenceClient } from './services/presence/presence.shared'
import { friendshipClient } from './services/friendships/friendships.shared'
import { userSearchClient } from './services/user-search/user-search.shared'
import { notificationClient } from './services/notifications/notifications.shared'
import { notificationPreferenceClient } from './services/notification-preferences/notification-preferences.shared'
import { pushSubscriptionClient } from './services/push-subscriptions/push-subscriptions.shared'
import { devMailboxClient } from './services/dev-mailbox/dev-mailbox.shared'
import { webhookClient } from './services/webhooks/webhooks.shared'
import { webhookDeliveryClient } from './services/webhook-deliveries/webhook-deliveries.shared'
import { uploadClient } from './services/uploads/uploads.shared'
import { analyticsClient } from './services/analytics/analytics.shared'
import { searchClient } from './services/search/search.shared'
import { catchUpClient } from './services/catch-up/catch-up.shared'

export type { User, UserData, UserQuery, UserPatch } from './services/users/users.shared'
export type { Org, OrgData, OrgQuery, OrgPatch } from './services/orgs/orgs.shared'
export type { Invite, InviteData, InviteQuery } from './services/invites/invites.shared'
export type {
  InviteAcceptance,
  InviteAcceptanceData
} from './services/invite-acceptances/invite-acceptances.shared'
export type { ApiKey, ApiKeyData, ApiKeyQuery } from './services/api-keys/api-keys.shared'
export type { AuditLog, AuditLogQuery } from './services/audit-logs/audit-logs.shared'
export type { Room, RoomData, RoomPatch, RoomQuery } from './services/rooms/rooms.shared'
export type { Member, MemberData, MemberPatch, MemberQuery } from './services/members/members.shared'
export type {
  Message,
  MessageData,
  MessagePage,
  MessagePatch,
  MessageQuery
} from './services/messages/messages.shared'
export type { JobPage, JobQuery, JobView } from './services/jobs/jobs.shared'
export type {
  MemberPointer,
  Receipt,
  ReceiptData,
  ReceiptPage,
  ReceiptQuery
} from './services/receipts/receipts.shared'
export type { UnreadCount, UnreadCountQuery } from './services/unread-counts/unread-counts.shared'
export type {
  MessageVersion,
  MessageVersionPage,
  MessageVersionQuery
} from './services/message-versions/message-versions.shared'
export type { Typing, TypingData } from './services/typing/typing.shared'
export type {
  Heartbeat,
  Presence,
  PresenceData,
  PresencePage,
  PresenceQuery
} from './services/presence/presence.shared'
export type {
  Friendship,
  FriendshipData,
  FriendshipPage,
  FriendshipPatch,
  FriendshipQuery,
  FriendshipView
} from './services/friendships/friendships.shared'
export type { UserHit, UserSearchPage, UserSearchQuery } from './services/user-search/user-search.shared'
export type { CatchUpPage, CatchUpQuery } from './services/catch-up/catch-up.shared'
export type {
  Notification,
  NotificationPage,
  NotificationPatch,
  NotificationQuery,
  NotificationType
} from './services/notifications/notifications.shared'
export type {
  NotificationLevel,
  NotificationPreference,
  NotificationPreferenceData,
  NotificationPreferencePage,
  NotificationPreferencePatch,
  NotificationPreferenceQuery
} from './services/notification-preferences/notification-preferences.shared'
export type {
  PushSubscription,
  PushSubscriptionData,
  PushSubscriptionPage,
  PushSubscriptionQuery
} from './services/push-subscriptions/push-subscriptions.shared'
export type { DevMail, DevMailPage, DevMailQuery } from './services/dev-mailbox/dev-mailbox.shared'
export type { Webhook, WebhookData, WebhookPatch, WebhookQuery } from './services/webhooks/webhooks.shared'
export type {
  WebhookDelivery,
  WebhookDeliveryData,
  WebhookDeliveryPatch,
  WebhookDeliveryQuery
} from './services/webhook-deliveries/webhook-deliveries.shared'
// Receivers verify webhook signatures with this (WebCrypto, no Node-only API).
export * from './webhook-signature'
// What a webhook may subscribe to, for clients that offer the choice.
export { WEBHOOK_EVENTS } from './webhooks/events'
export type { Upload, UploadData, UploadPatch, UploadQuery } from './services/uploads/uploads.shared'
export type { Analytics, AnalyticsQuery } from './services/analytics/analytics.shared'

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
  // Outside a browser the authentication client's default token store is one object per process, so two
  // clients would share (and overwrite) each other's tokens; each client gets its own unless told otherwise.
  const storage = typeof window === 'undefined' ? new MemoryStorage() : undefined
  client.configure(authenticationClient({ ...(storage ? { storage } : {}), ...authenticationOptions }))
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
  client.configure(jobClient)
  client.configure(receiptClient)
  client.configure(unreadCountClient)
  client.configure(messageVersionClient)
  client.configure(typingClient)
  client.configure(presenceClient)
  client.configure(friendshipClient)
  client.configure(userSearchClient)
  client.configure(notificationClient)
  client.configure(notificationPreferenceClient)
  client.configure(pushSubscriptionClient)
  client.configure(devMailboxClient)
  client.configure(webhookClient)
  client.configure(webhookDeliveryClient)
  client.configure(uploadClient)
  client.configure(analyticsClient)
  client.configure(searchClient)
  client.configure(catchUpClient)
  return client
}
