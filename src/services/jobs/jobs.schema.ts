// Job listing schemas: a job as an org ADMIN sees it (state, timing, failures; no payload) and its filters.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../validators'

export const jobStates = [
  'running',
  'scheduled',
  'queued',
  'completed',
  'failed',
  'repeating',
  'paused'
] as const

const DateTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const jobSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    state: Type.Union(jobStates.map((state) => Type.Literal(state))),
    org_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    // Only the data keys the job's definition lists as adminFields.
    details: Type.Record(Type.String(), Type.Unknown()),
    repeat_interval: Type.Union([Type.String(), Type.Null()]),
    next_run_at: DateTime,
    last_run_at: DateTime,
    last_finished_at: DateTime,
    failed_at: DateTime,
    fail_count: Type.Integer(),
    fail_reason: Type.Union([Type.String(), Type.Null()])
  },
  { $id: 'Job', additionalProperties: false }
)
export type JobView = Static<typeof jobSchema>

export const jobQuerySchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    state: Type.Optional(Type.Union(jobStates.map((state) => Type.Literal(state)))),
    $limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000 }))
  },
  { $id: 'JobQuery', additionalProperties: false }
)
export type JobQuery = Static<typeof jobQuerySchema>
export const jobQueryValidator = getValidator(jobQuerySchema, queryValidator)

export interface JobPage {
  total: number
  limit: number
  skip: number
  data: JobView[]
}
