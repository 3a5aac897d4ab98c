// Notification preference schemas: a user's defaults (level plus email/push on or off) and per-room level overrides.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'

const Uuid = Type.String({ format: 'uuid' })

// all: DMs and mentions; mentions: only @mentions; nothing: no notifications (see src/notifications/levels.ts).
export const notificationLevelSchema = Type.Union([
  Type.Literal('all'),
  Type.Literal('mentions'),
  Type.Literal('nothing')
])
export type NotificationLevel = Static<typeof notificationLevelSchema>

// room_id null: the user's defaults (always present, with email and push); otherwise an override of the level
// for one room (email and push null: delivery channels are per user).
export const notificationPreferenceSchema = Type.Object(
  {
    id: Uuid,
    user_id: Uuid,
    room_id: Type.Union([Uuid, Type.Null()]),
    level: notificationLevelSchema,
    email: Type.Union([Type.Boolean(), Type.Null()]),
    push: Type.Union([Type.Boolean(), Type.Null()]),
    created_at: Type.Any(),
    updated_at: Type.Any()
  },
  { $id: 'NotificationPreference', additionalProperties: false }
)
export type NotificationPreference = Static<typeof notificationPreferenceSchema>
// Upserts return whether they inserted (see the class); that is bookkeeping, not part of the preference.
export const notificationPreferenceResolver = resolve<
  NotificationPreference & { inserted?: boolean },
  HookContext
>({ inserted: async () => undefined })

// Sets (creates or replaces) my defaults (no room_id) or my override for a room I am a member of.
export const notificationPreferenceDataSchema = Type.Object(
  {
    room_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
    level: Type.Optional(notificationLevelSchema),
    email: Type.Optional(Type.Boolean()),
    push: Type.Optional(Type.Boolean())
  },
  { $id: 'NotificationPreferenceData', additionalProperties: false, minProperties: 1 }
)
export type NotificationPreferenceData = Static<typeof notificationPreferenceDataSchema>
export const notificationPreferenceDataValidator = getValidator(
  notificationPreferenceDataSchema,
  dataValidator
)

export const notificationPreferencePatchSchema = Type.Object(
  {
    level: Type.Optional(notificationLevelSchema),
    email: Type.Optional(Type.Boolean()),
    push: Type.Optional(Type.Boolean())
  },
  { $id: 'NotificationPreferencePatch', additionalProperties: false, minProperties: 1 }
)
export type NotificationPreferencePatch = Static<typeof notificationPreferencePatchSchema>
export const notificationPreferencePatchValidator = getValidator(
  notificationPreferencePatchSchema,
  dataValidator
)

export const notificationPreferenceQuerySchema = Type.Object(
  {
    room_id: Type.Optional(Uuid),
    $limit: Type.Optional(queryLimit(1000)),
    $skip: Type.Optional(querySkip())
  },
  { $id: 'NotificationPreferenceQuery', additionalProperties: false }
)
export type NotificationPreferenceQuery = Static<typeof notificationPreferenceQuerySchema>
export const notificationPreferenceQueryValidator = getValidator(
  notificationPreferenceQuerySchema,
  queryValidator
)

export interface NotificationPreferencePage {
  total: number
  limit: number
  skip: number
  data: NotificationPreference[]
}
