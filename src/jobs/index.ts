// Background jobs for the app: the runtime starts after the app's setup (web process: listen; worker: setup
// without a listener) and stops at teardown before the database connections close.
import type { Application } from '../declarations'
import { jobDefinitions } from './definitions'
import { JobRuntime } from './runtime'

export { JobRuntime } from './runtime'
export type { JobDefinition, JobContext, OrgJobData } from './types'

declare module '../declarations' {
  interface Configuration {
    jobRuntime: JobRuntime
  }
}

export const jobs = (app: Application) => {
  const runtime = new JobRuntime(app, jobDefinitions)
  app.set('jobRuntime', runtime)
  app.hooks({
    setup: [
      async (_context: any, next: () => Promise<void>) => {
        await next()
        await runtime.start()
      }
    ],
    // Registered before the app's own teardown hook, so jobs stop while knex and Redis are still open.
    teardown: [
      async (_context: any, next: () => Promise<void>) => {
        await runtime.stop()
        await next()
      }
    ]
  })
}
