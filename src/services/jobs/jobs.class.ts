// Jobs: a read-only listing of background jobs and their state, straight from the job store (Agenda).
import type { Params } from '@feathersjs/feathers'
import type { JobWithState } from 'agenda'
import type { Application } from '../../declarations'
import { orgIdOf } from '../../auth/principal'
import type { JobPage, JobQuery, JobView } from './jobs.schema'

export type { JobPage, JobQuery, JobView }

export interface JobParams extends Params<JobQuery> {}

const FAIL_REASON_LENGTH = 500

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null)

export class JobService {
  constructor(public app: Application) {}

  private toView(job: JobWithState): JobView {
    const runtime = this.app.get('jobRuntime')
    const data = (job.data ?? {}) as Record<string, unknown>
    const details: Record<string, unknown> = {}
    for (const key of runtime.definition(job.name)?.adminFields ?? []) {
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

  // External callers see their own org's jobs only (the hooks made sure they have one); jobs without an
  // org_id (system jobs such as retention) are therefore never listed to anyone through the API.
  async find(params: JobParams = {}): Promise<JobPage> {
    const query = params.query ?? {}
    const paginate = this.app.get('paginate')
    const limit = Math.min(query.$limit ?? paginate?.default ?? 25, paginate?.max ?? 100)
    const skip = query.$skip ?? 0
    const orgId = params.provider ? orgIdOf(params)! : undefined
    const { total, jobs } = await this.app
      .get('jobRuntime')
      .list({ orgId, name: query.name, state: query.state, limit, skip })
    return { total, limit, skip, data: jobs.map((job) => this.toView(job)) }
  }
}
