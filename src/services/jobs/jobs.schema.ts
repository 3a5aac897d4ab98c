// Job listing schemas: a job as an org ADMIN sees it (state, timing, failures; no payload) and its filters.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { JobWithState } from 'agenda'
import type { HookContext } from '../../declarations'
import { queryValidator } from '../../validators'
import { queryLimit } from '../../schemas/query'

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

const FAIL_REASON_LENGTH = 500
const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null)

// An Agenda job as an ADMIN sees it: state and timing, and of its data only the definition's adminFields.
export const jobResolver = resolve<JobView, HookContext>({
  properties: {},
  converter: async (raw, context) => {
    const job = raw as unknown as JobWithState
    const data = (job.data ?? {}) as Record<string, unknown>
    const details: Record<string, unknown> = {}
    for (const key of context.app.get('jobRuntime').definition(job.name)?.adminFields ?? []) {
      if (data[key] !== undefined) details[key] = data[key]
    }
    return {
      id: String(job._id),
      name: job.name,
      state: job.state,
      org_id: typeof data.org_id === 'string' ? data.org_id : null,
      details,
      repeat_interval:
        job.repeatInterval === undefined || job.repeatInterval === null ? null : String(job.repeatInterval),
      next_run_at: iso(job.nextRunAt),
      last_run_at: iso(job.lastRunAt),
      last_finished_at: iso(job.lastFinishedAt),
      failed_at: iso(job.failedAt),
      fail_count: job.failCount ?? 0,
      fail_reason: job.failReason ? String(job.failReason).slice(0, FAIL_REASON_LENGTH) : null
    }
  }
})

export const jobQuerySchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    state: Type.Optional(Type.Union(jobStates.map((state) => Type.Literal(state)))),
    $limit: Type.Optional(queryLimit()),
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
