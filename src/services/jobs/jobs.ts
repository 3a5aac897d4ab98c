// Jobs service: an org's ADMINs list that org's background jobs and their state (find only).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { requireRole } from '../../hooks/require-role'
import { JobService } from './jobs.class'
import { jobQueryValidator, jobResolver } from './jobs.schema'
import { jobMethods, jobPath } from './jobs.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './jobs.class'
export * from './jobs.schema'

export const job = (app: Application) => {
  // No events: job state is read on demand. API keys are refused by checkApiKeyScope (no scope lists jobs).
  app.use(jobPath, new JobService(app), { methods: [...jobMethods], events: [] })

  app.service(jobPath).hooks({
    around: {
      find: [schemaHooks.resolveResult(jobResolver)]
    },
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
