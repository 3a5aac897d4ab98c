// Friendship schemas: the shared row both users receive in events, and the caller's view of it (the other
// person's presence, and the last message and my unread count of our DM).
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'
import { lastMessageSchema } from '../rooms/rooms.schema'

const Uuid = Type.String({ format: 'uuid' })

export const friendshipStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('accepted'),
  Type.Literal('rejected'),
  Type.Literal('blocked')
])
export type FriendshipStatus = Static<typeof friendshipStatusSchema>

// Public profile fields, as every member of the org may see them.
export const userSummarySchema = Type.Object({
  id: Uuid,
  username: Type.String(),
  name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()])
})
export type UserSummary = Static<typeof userSummarySchema>

const sharedFields = {
  id: Uuid,
  org_id: Uuid,
  requester_id: Uuid,
  addressee_id: Uuid,
  status: friendshipStatusSchema,
  // Who of the two blocks the other (empty unless status is 'blocked').
  blocked_by: Type.Array(Uuid),
  accepted_at: Type.Any(),
  created_at: Type.Any(),
  updated_at: Type.Any(),
  requester: userSummarySchema,
  addressee: userSummarySchema
}

// What both users' devices receive in `friendships created/patched/removed`.
export const friendshipSchema = Type.Object(sharedFields, { $id: 'Friendship', additionalProperties: false })
export type Friendship = Static<typeof friendshipSchema>

export const presenceSummarySchema = Type.Object({
  status: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
  last_seen_at: Type.Union([Type.String(), Type.Null()])
})

// The caller's view: who the other person is, which way the request went, their presence and our DM.
export const friendshipViewSchema = Type.Object(
  {
    ...sharedFields,
    peer_id: Uuid,
    direction: Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')]),
    presence: presenceSummarySchema,
    dm_room_id: Type.Union([Uuid, Type.Null()]),
    last_message: Type.Union([lastMessageSchema, Type.Null()]),
    unread_count: Type.Number()
  },
  { $id: 'FriendshipView', additionalProperties: false }
)
export type FriendshipView = Static<typeof friendshipViewSchema>

// A request (or, with block: true, a block) to a user of my org, named by id or by username.
export const friendshipDataSchema = Type.Object(
  {
    user_id: Type.Optional(Uuid),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    block: Type.Optional(Type.Boolean())
  },
  { $id: 'FriendshipData', additionalProperties: false }
)
export type FriendshipData = Static<typeof friendshipDataSchema>
export const friendshipDataValidator = getValidator(friendshipDataSchema, dataValidator)

// The addressee accepts or rejects a pending request; either of the two may block.
export const friendshipPatchSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected'), Type.Literal('blocked')])
  },
  { $id: 'FriendshipPatch', additionalProperties: false }
)
export type FriendshipPatch = Static<typeof friendshipPatchSchema>
export const friendshipPatchValidator = getValidator(friendshipPatchSchema, dataValidator)

// Listing: `status: 'accepted'` is my friends list; `direction` splits requests into incoming and outgoing.
export const friendshipQuerySchema = Type.Object(
  {
    $limit: Type.Optional(queryLimit()),
    $skip: Type.Optional(querySkip()),
    status: Type.Optional(friendshipStatusSchema),
    direction: Type.Optional(Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')])),
    user_id: Type.Optional(Uuid)
  },
  { $id: 'FriendshipQuery', additionalProperties: false }
)
export type FriendshipQuery = Static<typeof friendshipQuerySchema>
export const friendshipQueryValidator = getValidator(friendshipQuerySchema, queryValidator)

export interface FriendshipPage {
  total: number
  limit: number
  skip: number
  data: FriendshipView[]
}
