// Room schemas: group rooms and DMs, plus the caller's own view (role, unread count, last message preview).
import { resolve, virtual } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { VIEW_ONLY, dmPeerOf, lastMessageOf, showsJoinCode } from './rooms.view'

const Uuid = Type.String({ format: 'uuid' })

export const lastMessageSchema = Type.Object({
  id: Uuid,
  seq: Type.Number(),
  sender_id: Type.Union([Uuid, Type.Null()]),
  // `bot` when an API key's bot sent it; null when the sender is gone.
  sender_kind: Type.Union([Type.Literal('person'), Type.Literal('bot'), Type.Null()]),
  body: Type.String(),
  kind: Type.String(),
  created_at: Type.Any(),
  unsent: Type.Boolean(),
  deleted: Type.Boolean()
})

export const roomSchema = Type.Object(
  {
    id: Uuid,
    org_id: Uuid,
    kind: Type.Union([Type.Literal('group'), Type.Literal('dm')]),
    name: Type.Union([Type.String(), Type.Null()]),
    topic: Type.Union([Type.String(), Type.Null()]),
    created_by: Type.Union([Uuid, Type.Null()]),
    // The other person of a DM, from the caller's point of view.
    dm_peer_id: Type.Union([Uuid, Type.Null()]),
    // Only for the room's owners and admins: the code others use to join.
    join_code: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    last_seq: Type.Number(),
    last_message_at: Type.Any(),
    member_count: Type.Number(),
    archived_at: Type.Any(),
    created_at: Type.Any(),
    updated_at: Type.Any(),
    my_role: Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]),
    muted: Type.Boolean(),
    last_read_seq: Type.Number(),
    unread_count: Type.Number(),
    last_message: Type.Union([lastMessageSchema, Type.Null()])
  },
  { $id: 'Room', additionalProperties: false }
)
export type Room = Static<typeof roomSchema>
export const roomValidator = getValidator(roomSchema, dataValidator)

// A row of the caller's view (rooms.view.ts) as a Room: bigint counters as numbers, the DM's other person,
// the last message assembled from its columns, the view's own columns gone.
export const roomResolver = resolve<Room, HookContext>({
  ...Object.fromEntries(VIEW_ONLY.map((field) => [field, async () => undefined])),
  last_seq: async (value) => Number(value),
  last_read_seq: async (value) => Number(value),
  unread_count: async (value) => Number(value),
  dm_peer_id: virtual(async (row, context) => dmPeerOf(row, context.params.user?.id)),
  last_message: virtual(async (row) => lastMessageOf(row))
})

// The join code only for the room's owners and admins.
export const roomExternalResolver = resolve<Room, HookContext>({
  join_code: async (value, room) => (showsJoinCode(room) ? value : undefined)
})

export const groupRoomDataSchema = Type.Object(
  {
    kind: Type.Optional(Type.Literal('group')),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    topic: Type.Optional(Type.String({ maxLength: 250 })),
    member_ids: Type.Optional(Type.Array(Uuid, { maxItems: 1000, uniqueItems: true }))
  },
  { additionalProperties: false }
)
export const dmRoomDataSchema = Type.Object(
  {
    kind: Type.Literal('dm'),
    user_id: Uuid
  },
  { additionalProperties: false }
)
export const roomDataSchema = Type.Union([groupRoomDataSchema, dmRoomDataSchema], { $id: 'RoomData' })
export type RoomData = Static<typeof roomDataSchema>
export const roomDataValidator = getValidator(roomDataSchema, dataValidator)

export const roomPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    topic: Type.Optional(Type.Union([Type.String({ maxLength: 250 }), Type.Null()])),
    archived: Type.Optional(Type.Boolean()),
    rotate_join_code: Type.Optional(Type.Literal(true))
  },
  { $id: 'RoomPatch', additionalProperties: false, minProperties: 1 }
)
export type RoomPatch = Static<typeof roomPatchSchema>
export const roomPatchValidator = getValidator(roomPatchSchema, dataValidator)

// Listing: newest activity first, paginated; `updated_after` serves a reconnecting client's catch-up.
export const roomQuerySchema = Type.Object(
  {
    $limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 })),
    kind: Type.Optional(Type.Union([Type.Literal('group'), Type.Literal('dm')])),
    updated_after: Type.Optional(Type.String({ format: 'date-time' }))
  },
  { $id: 'RoomQuery', additionalProperties: false }
)
export type RoomQuery = Static<typeof roomQuerySchema>
export const roomQueryValidator = getValidator(roomQuerySchema, queryValidator)
