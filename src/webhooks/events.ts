// The webhook event catalogue: what a webhook may subscribe to. The database triggers of
// migrations/20261126010000_webhooks.ts write these types; `ping` is only ever sent on request.
export const WEBHOOK_EVENTS = [
  'message.created',
  'message.updated',
  'message.deleted',
  'member.invited',
  'member.joined',
  'member.left',
  'room.created',
  'room.updated'
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

export const PING_EVENT = 'ping'
