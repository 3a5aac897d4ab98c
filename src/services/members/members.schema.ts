// Room member schemas: role in the room, read/delivery pointers, mute; joined with the user's public names.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'

const Uuid = Type.String({ format: 'uuid' })
export const roomRoleSchema = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('member')
])

export const memberSchema = Type.Object(
  {
    id: Uuid,
    room_id: Uuid,
    user_id: Uuid,
    org_id: Uuid,
    role: roomRoleSchema,
    last_read_seq: Type.Number(),
    delivered_seq: Type.Number(),
    // Only in the member's own view: whether someone muted a room is their business.
    muted: Type.Optional(Type.Boolean()),
    joined_at: Type.Any(),
    updated_at: Type.Any(),
    username: Type.String(),
    name: Type.String(),
    // `bot` for an API key's bot (services/api-keys/bots.ts), so clients can show it as one.
    user_kind: Type.Union([Type.Literal('person'), Type.Literal('bot')])
  },
  { $id: 'Member', additionalProperties: false }
)
export type Member = Static<typeof memberSchema>
export const memberValidator = getValidator(memberSchema, dataValidator)

// Pointers are bigints in the database (strings from pg), numbers on the wire.
export const memberResolver = resolve<Member, HookContext>({
  last_read_seq: async (value) => Number(value),
  delivered_seq: async (value) => Number(value)
})

// Whether someone muted a room is their own business: other members' rows (and the events built from them)
// leave `muted` out.
export const memberExternalResolver = resolve<Member, HookContext>({
  muted: async (value, member, context) => (member.user_id === context.params.user?.id ? value : undefined)
})

// Either a room owner/admin adds someone, or a user joins with the room's join code.
export const memberDataSchema = Type.Union(
  [
    Type.Object({ room_id: Uuid, user_id: Uuid }, { additionalProperties: false }),
    Type.Object({ join_code: Type.String({ minLength: 8, maxLength: 64 }) }, { additionalProperties: false })
  ],
  { $id: 'MemberData' }
)
export type MemberData = Static<typeof memberDataSchema>
export const memberDataValidator = getValidator(memberDataSchema, dataValidator)

export const memberPatchSchema = Type.Object(
  { role: Type.Optional(roomRoleSchema), muted: Type.Optional(Type.Boolean()) },
  { $id: 'MemberPatch', additionalProperties: false, minProperties: 1 }
)
export type MemberPatch = Static<typeof memberPatchSchema>
export const memberPatchValidator = getValidator(memberPatchSchema, dataValidator)

export const memberQuerySchema = Type.Object(
  {
    room_id: Uuid,
    user_id: Type.Optional(Uuid),
    $limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 }))
  },
  { $id: 'MemberQuery', additionalProperties: false }
)
export type MemberQuery = Static<typeof memberQuerySchema>
export const memberQueryValidator = getValidator(memberQuerySchema, queryValidator)
