// Jobs service: an org's ADMINs list that org's background jobs and their state (find only).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { requireOrgId } from '../../auth/principal'
import { requireRole } from '../../hooks/require-role'
import type { HookContext } from '../../declarations'
import { JobService } from './jobs.class'
import { jobQueryValidator } from './jobs.schema'
import { jobMethods, jobPath } from './jobs.shared'

export * from './jobs.class'
export * from './jobs.schema'

// The org whose jobs are listed is always the caller's own; there is no org filter in the query to widen it.
const requireOrg = async (context: HookContext) => {
  if (context.params.provider) requireOrgId(context.params)
}

export const job = (app: Application) => {
  // No events: job state is read on demand. API keys are refused by checkApiKeyScope (no scope lists jobs).
  app.use(jobPath, new JobService(app), { methods: [...jobMethods], events: [] })

  app.service(jobPath).hooks({
    before: {
      find: [requireRole('ADMIN'), requireOrg, schemaHooks.validateQuery(jobQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [jobPath]: JobService
  }
}
