// What the API documents say about each service: its TypeBox schemas (the ones the hooks validate with), so
// the OpenAPI and AsyncAPI documents are generated, never written twice. A service missing here fails the docs test.
import { Type } from '@feathersjs/typebox'
import type { TSchema } from '@feathersjs/typebox'
import * as users from '../services/users/users.schema'
import * as orgs from '../services/orgs/orgs.schema'
import * as invites from '../services/invites/invites.schema'
import * as inviteAcceptances from '../services/invite-acceptances/invite-acceptances.schema'
import * as apiKeys from '../services/api-keys/api-keys.schema'
import * as auditLogs from '../services/audit-logs/audit-logs.schema'
import * as rooms from '../services/rooms/rooms.schema'
import * as members from '../services/members/members.schema'
import * as messages from '../services/messages/messages.schema'
import * as jobs from '../services/jobs/jobs.schema'
import * as receipts from '../services/receipts/receipts.schema'
import * as unreadCounts from '../services/unread-counts/unread-counts.schema'
import * as messageVersions from '../services/message-versions/message-versions.schema'
import * as typing from '../services/typing/typing.schema'
import * as presence from '../services/presence/presence.schema'
import * as friendships from '../services/friendships/friendships.schema'
import * as userSearch from '../services/user-search/user-search.schema'
import * as notifications from '../services/notifications/notifications.schema'
import * as notificationPreferences from '../services/notification-preferences/notification-preferences.schema'
import * as pushSubscriptions from '../services/push-subscriptions/push-subscriptions.schema'
import * as devMailbox from '../services/dev-mailbox/dev-mailbox.schema'
import * as analytics from '../services/analytics/analytics.schema'
import * as webhooks from '../services/webhooks/webhooks.schema'
import * as webhookDeliveries from '../services/webhook-deliveries/webhook-deliveries.schema'
import * as uploads from '../services/uploads/uploads.schema'
import * as search from '../services/search/search.schema'
import * as catchUp from '../services/catch-up/catch-up.schema'
import { userEventSchema } from '../realtime/events'

export type MethodName = 'find' | 'get' | 'create' | 'update' | 'patch' | 'remove'

export interface ServiceDoc {
  description: string
  // The record the service answers with (get, create, patch, remove; find pages or lists of it).
  result: TSchema
  data?: TSchema
  patch?: TSchema
  query?: TSchema
  // `page`: { total, limit, skip, data } (the default); `list`: a bare array; `single`: one object.
  find?: 'page' | 'list' | 'single'
  // A method whose answer is not `result` (or a custom method: POST with X-Service-Method).
  results?: Partial<Record<string, TSchema>>
  // Custom methods: their request bodies.
  custom?: Record<string, { data: TSchema; summary: string }>
  // Per-method notes (who may call it, what it refuses).
  notes?: Partial<Record<string, string>>
}

// The authentication service has no TypeBox schemas of its own: the strategies read these fields.
const authenticationRequest = Type.Union(
  [
    Type.Object({ strategy: Type.Literal('local'), email: Type.String(), password: Type.String() }),
    Type.Object({ strategy: Type.Literal('jwt'), accessToken: Type.String() }),
    Type.Object({ strategy: Type.Literal('refresh'), refreshToken: Type.String() })
  ],
  { $id: 'AuthenticationRequest' }
)
const authenticationResult = Type.Object(
  {
    accessToken: Type.String(),
    refreshToken: Type.Optional(Type.String()),
    authentication: Type.Object({ strategy: Type.String() }),
    user: userEventSchema
  },
  { $id: 'AuthenticationResult' }
)

// What a `Type.Ref` in a result schema stands for on the wire (the user as others see it: no password).
export const refTargets: Record<string, TSchema> = { User: userEventSchema }

// OAuth login (registered only when a provider is configured): browser redirects, not JSON.
const oauthRedirect = Type.Object(
  {},
  { $id: 'OAuthRedirect', description: 'Answered with a 302 redirect (to the provider, or back to the app).' }
)

export const serviceDocs: Record<string, ServiceDoc> = {
  'oauth/:provider': {
    description:
      'Start an OAuth login (google or oidc when configured): redirects to the provider. Browsers only.',
    result: oauthRedirect
  },
  'oauth/:provider/callback': {
    description: 'The provider redirects back here; answers with a redirect to the app carrying the tokens.',
    result: oauthRedirect
  },
  authentication: {
    description: 'Log in (email/password), renew with a refresh token, or log out (DELETE ends the session).',
    result: authenticationResult,
    data: authenticationRequest
  },
  users: {
    description: 'Accounts. POST registers (no token needed, optionally with an invite_token).',
    result: userEventSchema,
    data: users.userDataSchema,
    patch: users.userPatchSchema,
    query: users.userQuerySchema
  },
  orgs: {
    description: 'Organizations; the creator becomes its ADMIN.',
    result: orgs.orgSchema,
    data: orgs.orgDataSchema,
    patch: orgs.orgPatchSchema,
    query: orgs.orgQuerySchema
  },
  invites: {
    description: 'Invitations to the org (ADMIN/MANAGER).',
    result: invites.inviteSchema,
    data: invites.inviteDataSchema,
    query: invites.inviteQuerySchema
  },
  'invite-acceptances': {
    description: 'An existing user accepts an invite token and joins its org.',
    result: inviteAcceptances.inviteAcceptanceSchema,
    data: inviteAcceptances.inviteAcceptanceDataSchema
  },
  'api-keys': {
    description: 'API keys for scripts (ADMIN); the secret is shown once, on create.',
    result: apiKeys.apiKeySchema,
    data: apiKeys.apiKeyDataSchema,
    query: apiKeys.apiKeyQuerySchema
  },
  'audit-logs': {
    description: "The org's audit trail (ADMIN).",
    result: auditLogs.auditLogSchema,
    query: auditLogs.auditLogQuerySchema
  },
  rooms: {
    description: 'Group rooms and direct messages, with my own fields (role, unread count, last message).',
    result: rooms.roomSchema,
    data: rooms.roomDataSchema,
    patch: rooms.roomPatchSchema,
    query: rooms.roomQuerySchema
  },
  members: {
    description: "A room's members; create adds someone (owner/admin) or joins with a join code.",
    result: members.memberSchema,
    data: members.memberDataSchema,
    patch: members.memberPatchSchema,
    query: members.memberQuerySchema
  },
  messages: {
    description: "A room's messages in seq order; create answers with its delivery summary.",
    result: messages.messageSchema,
    data: messages.messageDataSchema,
    patch: messages.messagePatchSchema,
    query: messages.messageQuerySchema
  },
  jobs: {
    description: "The org's background jobs (ADMIN).",
    result: jobs.jobSchema,
    query: jobs.jobQuerySchema
  },
  receipts: {
    description: 'Move my read/delivered pointers (create); list the pointers of a room (find).',
    result: receipts.receiptSchema,
    results: { find: receipts.memberPointerSchema },
    data: receipts.receiptDataSchema,
    query: receipts.receiptQuerySchema
  },
  'unread-counts': {
    description: 'My unread count per room.',
    result: unreadCounts.unreadCountSchema,
    query: unreadCounts.unreadCountQuerySchema,
    find: 'list'
  },
  'message-versions': {
    description: "A message's edit history.",
    result: messageVersions.messageVersionSchema,
    query: messageVersions.messageVersionQuerySchema
  },
  typing: {
    description: 'Typing indicators (broadcast to the room, not stored).',
    result: typing.typingSchema,
    data: typing.typingDataSchema
  },
  presence: {
    description: 'Who is online (find); a heartbeat for this connection (create).',
    result: presence.presenceSchema,
    results: { create: presence.heartbeatSchema },
    data: presence.presenceDataSchema,
    query: presence.presenceQuerySchema
  },
  friendships: {
    description: 'Friend requests, friends and blocks.',
    result: friendships.friendshipViewSchema,
    results: { remove: friendships.friendshipSchema },
    data: friendships.friendshipDataSchema,
    patch: friendships.friendshipPatchSchema,
    query: friendships.friendshipQuerySchema
  },
  'user-search': {
    description: 'Search people by name or username.',
    result: userSearch.userHitSchema,
    query: userSearch.userSearchQuerySchema
  },
  notifications: {
    description: 'My notifications (mentions, DMs, invites, friend requests).',
    result: notifications.notificationSchema,
    patch: notifications.notificationPatchSchema,
    query: notifications.notificationQuerySchema
  },
  'notification-preferences': {
    description: 'My notification defaults and per-room overrides.',
    result: notificationPreferences.notificationPreferenceSchema,
    data: notificationPreferences.notificationPreferenceDataSchema,
    patch: notificationPreferences.notificationPreferencePatchSchema,
    query: notificationPreferences.notificationPreferenceQuerySchema
  },
  'push-subscriptions': {
    description: 'Web Push subscriptions of my devices.',
    result: pushSubscriptions.pushSubscriptionSchema,
    data: pushSubscriptions.pushSubscriptionDataSchema,
    query: pushSubscriptions.pushSubscriptionQuerySchema
  },
  'dev-mailbox': {
    description: 'Mail the server would have sent (development and tests only).',
    result: devMailbox.devMailSchema,
    query: devMailbox.devMailQuerySchema
  },
  webhooks: {
    description: "The org's webhooks (ADMIN; API keys need webhooks:manage); the secret is shown once.",
    result: webhooks.webhookSchema,
    data: webhooks.webhookDataSchema,
    patch: webhooks.webhookPatchSchema,
    query: webhooks.webhookQuerySchema
  },
  'webhook-deliveries': {
    description:
      'Deliveries of the org’s webhooks: inspect, redeliver one (patch) or send a test ping (create).',
    result: webhookDeliveries.webhookDeliverySchema,
    data: webhookDeliveries.webhookDeliveryDataSchema,
    patch: webhookDeliveries.webhookDeliveryPatchSchema,
    query: webhookDeliveries.webhookDeliveryQuerySchema
  },
  uploads: {
    description:
      'Files: ask for a presigned upload (create), complete it (patch), list, read and remove my files.',
    result: uploads.uploadSchema,
    data: uploads.uploadDataSchema,
    patch: uploads.uploadPatchSchema,
    query: uploads.uploadQuerySchema
  },
  search: {
    description:
      'Full-text search of the messages in my rooms, best first, in cursor pages (not offset pages).',
    result: search.searchHitSchema,
    results: { find: search.searchPageSchema },
    query: search.searchQuerySchema,
    find: 'single'
  },
  analytics: {
    description:
      "The org's activity per UTC day and its totals (ADMIN; API keys need analytics:read). Active user: sent a message or moved a read pointer that day.",
    result: analytics.analyticsSchema,
    query: analytics.analyticsQuerySchema,
    find: 'single'
  },
  'catch-up': {
    description:
      'After being away: the messages after my positions (`since`) in every room I am in now, in (room, seq) order, in cursor pages; with the rooms new to me and gone.',
    result: messages.messageSchema,
    results: { find: catchUp.catchUpPageSchema },
    query: catchUp.catchUpQuerySchema,
    find: 'single'
  }
}
