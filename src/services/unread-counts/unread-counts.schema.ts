// Unread-count schemas: one entry per room the caller is in, with the numbers a room list badge needs.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { queryValidator } from '../../validators'

export const unreadCountSchema = Type.Object(
  {
    room_id: Type.String({ format: 'uuid' }),
    unread_count: Type.Number(),
    last_read_seq: Type.Number(),
    last_seq: Type.Number(),
    muted: Type.Boolean()
  },
  { $id: 'UnreadCount', additionalProperties: false }
)
export type UnreadCount = Static<typeof unreadCountSchema>
// Sequence numbers are bigint columns (strings from pg).
export const unreadCountResolver = resolve<UnreadCount, HookContext>({
  unread_count: async (value) => Number(value),
  last_read_seq: async (value) => Number(value),
  last_seq: async (value) => Number(value)
})

// No filters: the answer is always "all my rooms", so a client syncs its badges with one call.
export const unreadCountQuerySchema = Type.Object(
  {},
  { $id: 'UnreadCountQuery', additionalProperties: false }
)
export type UnreadCountQuery = Static<typeof unreadCountQuerySchema>
export const unreadCountQueryValidator = getValidator(unreadCountQuerySchema, queryValidator)
