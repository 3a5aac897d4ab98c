// Every outbox topic and its payload: what the writer puts in the change's transaction and the handler reads.
// Payloads carry ids, not copies: handlers read the rows as they are when they run (an unsent message is not
// announced late), and nothing personal sits in the outbox longer than needed.
import type { Knex } from 'knex'
import { enqueue } from './outbox'

export const TOPICS = {
  messageCreated: 'messages.created',
  messageWithdrawn: 'messages.withdrawn',
  memberAdded: 'members.created',
  roomCreated: 'rooms.created',
  friendRequested: 'friendships.requested',
  friendAnswered: 'friendships.answered',
  friendshipEnded: 'friendships.ended',
  uploadCompleted: 'uploads.completed',
  webhookDisabled: 'webhooks.disabled'
} as const

interface Pair {
  friendship_id: string
  org_id: string
  requester_id: string
  addressee_id: string
}

export interface TopicPayloads {
  messageCreated: { message_id: string }
  messageWithdrawn: { message_id: string }
  memberAdded: { room_id: string; user_id: string; actor_id: string | null }
  // Who was put in at creation (people added later get their own members.created).
  roomCreated: { room_id: string; actor_id: string; user_ids: string[] }
  friendRequested: Pair
  friendAnswered: Pair & { status: string; actor_id: string }
  friendshipEnded: { friendship_id: string }
  // The bytes of an upload arrived: its check job is queued (src/uploads/lifecycle.ts).
  uploadCompleted: { upload_id: string }
  // A webhook turned off for failing: its org's ADMINs are notified (src/webhooks/notify.ts).
  webhookDisabled: { webhook_id: string; url: string; dead_deliveries: number }
}

export type TopicPayload<T extends keyof typeof TOPICS> = TopicPayloads[T]

// Typed enqueue: `await enqueueTopic(trx, 'memberAdded', { ... }, orgId)` inside the change's transaction.
export const enqueueTopic = <T extends keyof typeof TOPICS>(
  trx: Knex | Knex.Transaction,
  topic: T,
  payload: TopicPayloads[T],
  orgId: string | null = null
) => enqueue(trx, TOPICS[topic], payload as unknown as Record<string, unknown>, orgId)
