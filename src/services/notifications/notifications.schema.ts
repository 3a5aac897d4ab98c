// Notification schemas: what a user is told about (mentions, DMs, room invites, friend requests), read state,
// and the listing/marking queries.
import { resolve, virtual } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'

const Uuid = Type.String({ format: 'uuid' })
const NullableUuid = Type.Union([Uuid, Type.Null()])

export const notificationTypes = [
  'mention',
  'dm',
  'room_invite',
  'friend_request',
  'friend_accepted',
  'webhook_disabled'
] as const
export type NotificationType = (typeof notificationTypes)[number]
export const notificationTypeSchema = Type.Union(notificationTypes.map((type) => Type.Literal(type)))

// Who did it and where, as they were when it happened (a display snapshot; ids are the reference).
export const notificationPayloadSchema = Type.Object({
  actor: Type.Optional(
    Type.Union([Type.Object({ id: Uuid, username: Type.String(), name: Type.String() }), Type.Null()])
  ),
  room: Type.Optional(
    Type.Union([
      Type.Object({
        id: Uuid,
        kind: Type.Union([Type.Literal('group'), Type.Literal('dm')]),
        name: Type.Union([Type.String(), Type.Null()])
      }),
      Type.Null()
    ])
  ),
  excerpt: Type.Optional(Type.String())
})
export type NotificationPayload = Static<typeof notificationPayloadSchema>

export const notificationSchema = Type.Object(
  {
    id: Uuid,
    org_id: Uuid,
    user_id: Uuid,
    type: notificationTypeSchema,
    actor_id: NullableUuid,
    room_id: NullableUuid,
    message_id: NullableUuid,
    message_seq: Type.Union([Type.Number(), Type.Null()]),
    friendship_id: NullableUuid,
    payload: notificationPayloadSchema,
    read: Type.Boolean(),
    read_at: Type.Any(),
    emailed_at: Type.Any(),
    pushed_at: Type.Any(),
    created_at: Type.Any()
  },
  { $id: 'Notification', additionalProperties: false }
)
export type Notification = Static<typeof notificationSchema>
export const notificationKeys = Object.keys(notificationSchema.properties) as Array<keyof Notification>

// message_seq is a bigint column (pg returns a string); `read` is derived from read_at.
export const toSeq = (value: unknown) => (value === null || value === undefined ? null : Number(value))
export const notificationResolver = resolve<Notification, HookContext>({
  message_seq: async (value) => toSeq(value),
  read: virtual(async (row) => !!row.read_at)
})

// Mark one (patch with an id) or all matching the query (patch without id) read or unread.
export const notificationPatchSchema = Type.Object(
  { read: Type.Boolean() },
  { $id: 'NotificationPatch', additionalProperties: false }
)
export type NotificationPatch = Static<typeof notificationPatchSchema>
export const notificationPatchValidator = getValidator(notificationPatchSchema, dataValidator)

// Newest first. The unread count is `find({ query: { read: false, $limit: 0 } }).total`.
export const notificationQuerySchema = Type.Object(
  {
    read: Type.Optional(Type.Boolean()),
    type: Type.Optional(notificationTypeSchema),
    room_id: Type.Optional(Uuid),
    $limit: Type.Optional(queryLimit()),
    $skip: Type.Optional(querySkip())
  },
  { $id: 'NotificationQuery', additionalProperties: false }
)
export type NotificationQuery = Static<typeof notificationQuerySchema>
export const notificationQueryValidator = getValidator(notificationQuerySchema, queryValidator)

export interface NotificationPage {
  total: number
  limit: number
  skip: number
  data: Notification[]
}
