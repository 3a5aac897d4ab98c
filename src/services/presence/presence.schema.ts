// Presence schemas: a heartbeat (empty body), and statuses of users of my org with when they were last seen.
import { resolve, virtual } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { presenceOf } from '../../realtime/presence'
import { dataValidator, queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'

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

// Who of a result is online, asked of the presence store once per call (not once per row), with one "now".
const liveStates = new WeakMap<HookContext, Promise<{ online: Set<string>; now: string }>>()
const liveStateOf = (context: HookContext) => {
  let state = liveStates.get(context)
  if (!state) {
    const rows: Array<{ id: string }> = context.result?.data ?? context.result ?? []
    const now = new Date().toISOString()
    state = presenceOf(context.app)
      .statuses(rows.map((row) => row.id))
      .then((online) => ({ online: new Set(online), now }))
    liveStates.set(context, state)
  }
  return state
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null)

// users rows (id, last_seen_at) as statuses: online users were seen now, offline ones at last_seen_at.
export const presenceResolver = resolve<Presence & { id?: string }, HookContext>({
  user_id: virtual(async (row) => row.id!),
  status: virtual(async (row, context) =>
    (await liveStateOf(context)).online.has(row.id!) ? 'online' : 'offline'
  ),
  last_seen_at: async (value, row, context) => {
    const { online, now } = await liveStateOf(context)
    return online.has(row.id!) ? now : iso(value)
  },
  id: async () => undefined
})

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
    $limit: Type.Optional(queryLimit()),
    $skip: Type.Optional(querySkip())
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
