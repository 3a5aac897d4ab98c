// Catch-up schemas: my positions per room in, the messages after them in (room, seq) order out, paged by cursor.
import { fastResolve, fastVirtual } from '../../schemas/fast-resolver'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { queryValidator } from '../../validators'
import { messageSchema } from '../messages/messages.schema'
import type { Message } from '../messages/messages.schema'
import { attachmentsOfCall } from '../messages/attachments'
import { deliveriesOfCall } from './delivery'

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
export const MAX_SINCE_ROOMS = 5000

// `since`: per room, the seq up to which I hold every message (0 or absent: nothing yet). `cursor`: the
// previous page's `next_cursor`, sent with the same `since` and `updated_after`. `limit`: messages per page
// across all rooms.
export const catchUpQuerySchema = Type.Object(
  {
    since: Type.Optional(
      Type.Record(Type.String({ pattern: UUID }), Type.Integer({ minimum: 0 }), {
        maxProperties: MAX_SINCE_ROOMS
      })
    ),
    // Only the rooms `since` names (rooms new to me are still listed, without their messages): lets a client
    // with more rooms than a URL holds split its positions over several REST calls.
    only_since: Type.Optional(Type.Boolean()),
    // Also the messages up to my positions changed (edited, unsent, deleted) after this server time.
    updated_after: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }))
  },
  { $id: 'CatchUpQuery', additionalProperties: false }
)
export type CatchUpQuery = Static<typeof catchUpQuerySchema>
export const catchUpQueryValidator = getValidator(catchUpQuerySchema, queryValidator)

export const catchUpPageSchema = Type.Object(
  {
    // Exactly what messages.find answers for these messages (same resolvers), ordered by (room_id, seq).
    data: Type.Array(messageSchema),
    limit: Type.Integer(),
    has_more: Type.Boolean(),
    // Pass as `cursor` (with the same `since`) for the next page; null on the last one.
    next_cursor: Type.Union([Type.String(), Type.Null()]),
    // Rooms I am a member of that `since` did not name (their whole history is in the pages).
    new_rooms: Type.Array(Type.String({ format: 'uuid' })),
    // Rooms `since` named that I am no longer in (left, kicked, or never mine): drop them.
    gone_rooms: Type.Array(Type.String({ format: 'uuid' }))
  },
  { $id: 'CatchUpPage', additionalProperties: false }
)
export type CatchUpPage = Static<typeof catchUpPageSchema>

// Delivery state on my own messages, as messages.find gives it, computed for all rooms of the page at once
// (the messages resolver's own helper assumes one room per call); files as messages.find gives them.
export const catchUpExternalResolver = fastResolve<Message, HookContext>({
  delivery: fastVirtual((message, context) => {
    const me = context.params.user?.id
    if (!me || message.sender_id !== me) return undefined
    return deliveriesOfCall(context, me).then((byId) => byId.get(message.id))
  }),
  uploads: fastVirtual((message, context) => {
    if (message.kind !== 'file' || message.unsent_at || message.deleted_at) return undefined
    return attachmentsOfCall(context).then((byMessage) => byMessage.get(message.id) ?? [])
  })
})
