// Jobs: a read-only listing of background jobs and their state, straight from the job store (Agenda).
import type { Params, ServiceInterface } from '@feathersjs/feathers'
import type { Application } from '../../declarations'
import { orgIdOf } from '../../auth/principal'
import type { JobPage, JobQuery, JobView } from './jobs.schema'

export type { JobPage, JobQuery, JobView }

export interface JobParams extends Params<JobQuery> {}

// Not a KnexService: jobs live in the job store (Agenda), which pages and counts them itself. Each job is
// shaped into a JobView by jobResolver. Its only method answers a page, hence the page as the result type.
export class JobService implements ServiceInterface<JobPage, never, JobParams> {
  constructor(public app: Application) {}

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
    return { total, limit, skip, data: jobs as unknown as JobView[] }
  }
}
