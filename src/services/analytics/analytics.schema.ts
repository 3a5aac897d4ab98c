// Admin analytics schemas: the period asked for (UTC days) and the report answered for the caller's org.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../validators'

const Uuid = Type.String({ format: 'uuid' })
const Day = Type.String({ format: 'date', description: 'A UTC calendar day, YYYY-MM-DD' })

// Longest period one call may cover: a year of days keeps the answer small and the scan bounded.
export const MAX_PERIOD_DAYS = 366
export const MAX_TOP = 50

export const analyticsQuerySchema = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    // Instead of from/to: the last N days up to and including today (UTC).
    period: Type.Optional(
      Type.Union([Type.Literal('1d'), Type.Literal('7d'), Type.Literal('30d'), Type.Literal('90d')])
    ),
    // How many busiest rooms and top senders to list (default 10).
    $limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOP }))
  },
  { $id: 'AnalyticsQuery', additionalProperties: false }
)
export type AnalyticsQuery = Static<typeof analyticsQuerySchema>
export const analyticsQueryValidator = getValidator(analyticsQuerySchema, queryValidator)

export const analyticsDaySchema = Type.Object(
  {
    day: Day,
    active_users: Type.Integer({
      description: 'Members who sent a message or moved a read pointer that UTC day'
    }),
    messages: Type.Integer({ description: 'Messages sent that day (system messages excluded)' }),
    new_members: Type.Integer({ description: 'Users who joined the org that day' })
  },
  { $id: 'AnalyticsDay', additionalProperties: false }
)

export const analyticsSchema = Type.Object(
  {
    org_id: Uuid,
    from: Day,
    to: Day,
    // Every day of the period, zeros included, oldest first.
    days: Type.Array(analyticsDaySchema),
    // Distinct active users over the whole period (not the sum of the days).
    active_users: Type.Integer(),
    messages: Type.Integer(),
    new_members: Type.Integer(),
    busiest_rooms: Type.Array(
      Type.Object(
        {
          room_id: Uuid,
          name: Type.Union([Type.String(), Type.Null()]),
          kind: Type.String(),
          messages: Type.Integer()
        },
        { additionalProperties: false }
      )
    ),
    top_senders: Type.Array(
      Type.Object(
        {
          user_id: Uuid,
          username: Type.String(),
          name: Type.String(),
          // An API key's bot (not a person: never counted as a member or an active user).
          bot: Type.Boolean(),
          messages: Type.Integer()
        },
        { additionalProperties: false }
      )
    ),
    // The org as it is now, all time: members (people, not bots), rooms (archived included) and messages.
    totals: Type.Object(
      { members: Type.Integer(), rooms: Type.Integer(), messages: Type.Integer() },
      { additionalProperties: false }
    )
  },
  { $id: 'Analytics', additionalProperties: false }
)
export type Analytics = Static<typeof analyticsSchema>
export type AnalyticsDay = Static<typeof analyticsDaySchema>
