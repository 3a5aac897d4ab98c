// Presence schemas: a heartbeat (empty body), and statuses of users of my org with when they were last seen.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../validators'

const Uuid = Type.String({ format: 'uuid' })

export const presenceSchema = Type.Object(
  {
    user_id: Uuid,
    status: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    // Online users were seen now; offline ones when they went offline (null: never seen online).
    last_seen_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
  },
  { $id: 'Presence', additionalProperties: false }
)
export type Presence = Static<typeof presenceSchema>

// A heartbeat keeps the calling connection (this socket, or this login session over REST) alive for a TTL.
export const presenceDataSchema = Type.Object({}, { $id: 'PresenceData', additionalProperties: false })
export type PresenceData = Static<typeof presenceDataSchema>
export const presenceDataValidator = getValidator(presenceDataSchema, dataValidator)

export const heartbeatSchema = Type.Object(
  {
    user_id: Uuid,
    status: Type.Literal('online'),
    expires_at: Type.String({ format: 'date-time' })
  },
  { $id: 'Heartbeat', additionalProperties: false }
)
export type Heartbeat = Static<typeof heartbeatSchema>

export const MAX_USER_IDS = 100

export const presenceQuerySchema = Type.Object(
  {
    user_ids: Type.Optional(Type.Array(Uuid, { maxItems: MAX_USER_IDS })),
    $limit: Type.Optional(Type.Integer({ minimum: 0 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 }))
  },
  { $id: 'PresenceQuery', additionalProperties: false }
)
export type PresenceQuery = Static<typeof presenceQuerySchema>
export const presenceQueryValidator = getValidator(presenceQuerySchema, queryValidator)

export interface PresencePage {
  total: number
  limit: number
  skip: number
  data: Presence[]
}
