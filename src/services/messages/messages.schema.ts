// Message schemas: text with a per-room seq, client idempotency id, mentions, edit/unsend/delete markers.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { deliveryFor } from './delivery'
import type { Delivery } from './delivery'
import { attachmentsOfCall } from './attachments'
import { userKindOf } from '../api-keys/bots'
import { fastResolve, fastVirtual } from '../../schemas/fast-resolver'

const Uuid = Type.String({ format: 'uuid' })

export const deliverySchema = Type.Object({
  status: Type.Union([Type.Literal('persisted'), Type.Literal('delivered'), Type.Literal('read')]),
  recipients: Type.Number(),
  delivered: Type.Number(),
  read: Type.Number()
})

// A file a message carries, with a download URL signed for a short while (uploads.downloadUrlTtlSeconds).
export const attachmentSchema = Type.Object(
  {
    id: Uuid,
    filename: Type.String(),
    content_type: Type.String(),
    size: Type.Number(),
    url: Type.String(),
    url_expires_at: Type.String({ format: 'date-time' })
  },
  { $id: 'Attachment', additionalProperties: false }
)
export type Attachment = Static<typeof attachmentSchema>

export const messageSchema = Type.Object(
  {
    id: Uuid,
    org_id: Uuid,
    room_id: Uuid,
    seq: Type.Number(),
    sender_id: Type.Union([Uuid, Type.Null()]),
    // `bot` when an API key's bot sent it (services/api-keys/bots.ts); absent when the sender is gone.
    sender_kind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('bot')])),
    body: Type.String(),
    kind: Type.Union([Type.Literal('text'), Type.Literal('file'), Type.Literal('system')]),
    upload_id: Type.Union([Uuid, Type.Null()]),
    mentions: Type.Array(Uuid),
    client_msg_id: Type.Union([Type.String(), Type.Null()]),
    client_sent_at: Type.Any(),
    created_at: Type.Any(),
    edited_at: Type.Any(),
    unsent_at: Type.Any(),
    deleted_at: Type.Any(),
    updated_at: Type.Any(),
    // Only on the caller's own messages: how far they got (pointer-based, see receipts).
    delivery: Type.Optional(deliverySchema),
    // Messages of kind `file`: their files in the sender's order (absent once unsent or deleted).
    uploads: Type.Optional(Type.Array(attachmentSchema))
  },
  { $id: 'Message', additionalProperties: false }
)
export type Message = Static<typeof messageSchema>
export const messageValidator = getValidator(messageSchema, dataValidator)

// seq is a bigint in the database (a string from pg), a number on the wire.
// Only the schema's columns leave the service: columns other features keep on the row (search_vector of
// search) are theirs, and fetches must equal events (which the publisher projects onto the schema).
// Fast resolvers (schemas/fast-resolver.ts): a catch-up storm resolves 100,000 messages.
const messageFields = Object.keys(messageSchema.properties)
export const messageResolver = fastResolve<Message, HookContext>(
  {
    seq: (value) => Number(value),
    mentions: (value) => value ?? [],
    sender_kind: fastVirtual((message, context) =>
      userKindOf(context.app.get('postgresqlClient'), message.sender_id)
    )
  },
  {
    converter: (data: any) => {
      if (!data || typeof data !== 'object') return data
      const fields: any = {}
      for (const key of messageFields) if (Object.hasOwn(data, key)) fields[key] = data[key]
      return fields
    }
  }
)

// The delivery of a page's own messages, computed once per call for all of them (one query, see delivery.ts).
const deliveries = new WeakMap<HookContext, Promise<Map<number, Delivery>>>()
const deliveryOfCall = (context: HookContext, me: string, roomId: string) => {
  let pending = deliveries.get(context)
  if (!pending) {
    const items: Message[] = context.method === 'find' ? context.result.data : [context.result]
    const seqs = items.filter((m) => m.sender_id === me).map((m) => m.seq)
    pending = deliveryFor(context.app.get('postgresqlClient'), roomId, me, seqs)
    deliveries.set(context, pending)
  }
  return pending
}

// Delivery state only for the sender, and only when reading (find, get): events never carry it.
export const messageExternalResolver = fastResolve<Message, HookContext>({
  delivery: fastVirtual((message, context) => {
    const me = context.params.user?.id
    if (!me || message.sender_id !== me || (context.method !== 'find' && context.method !== 'get')) {
      return undefined
    }
    return deliveryOfCall(context, me, message.room_id).then((bySeq) => bySeq.get(message.seq))
  }),
  // Every reader of the message is a member of its room (reads and events are the room's): they get URLs.
  uploads: fastVirtual((message, context) => {
    if (message.kind !== 'file' || message.unsent_at || message.deleted_at) return undefined
    return attachmentsOfCall(context).then((byMessage) => byMessage.get(message.id) ?? [])
  })
})

export const messageDataSchema = Type.Object(
  {
    room_id: Uuid,
    // The configurable maximum (limits.messageLength) is checked after normalization by the service, which
    // also refuses an empty body unless the message carries files (a file needs no caption).
    body: Type.String(),
    client_msg_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7E]+$' })),
    client_sent_at: Type.Optional(Type.String({ format: 'date-time' })),
    // Ready uploads of the sender, attached in the send's transaction.
    upload_ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true }))
  },
  { $id: 'MessageData', additionalProperties: false }
)
export type MessageData = Static<typeof messageDataSchema>
export const messageDataValidator = getValidator(messageDataSchema, dataValidator)

// Edit the text, or unsend (sender, within the unsend window).
export const messagePatchSchema = Type.Union(
  [
    Type.Object({ body: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object({ unsent: Type.Literal(true) }, { additionalProperties: false })
  ],
  { $id: 'MessagePatch' }
)
export type MessagePatch = Static<typeof messagePatchSchema>
export const messagePatchValidator = getValidator(messagePatchSchema, dataValidator)

// History by seq cursor: `before`/`after`, up to 100, newest-first by default (oldest-first with only
// `after`); `updated_after` returns what changed since a time (edits, unsends, deletes) for catch-up.
export const messageQuerySchema = Type.Object(
  {
    room_id: Uuid,
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    updated_after: Type.Optional(Type.String({ format: 'date-time' }))
  },
  { $id: 'MessageQuery', additionalProperties: false }
)
export type MessageQuery = Static<typeof messageQuerySchema>
export const messageQueryValidator = getValidator(messageQuerySchema, queryValidator)

export interface MessagePage {
  data: Message[]
  has_more: boolean
  limit: number
}
