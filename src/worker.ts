// Background worker (`npm run worker`): the same app wiring as the web process, set up without an HTTP
// listener, that only processes jobs. Run as many as you like next to the web processes: Agenda's locking
// gives each due job to exactly one of them. With REDIS_URL set, events a job publishes reach every client.
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { createApp } from './app'
import { configurationValidator } from './configuration'
import type { Application } from './declarations'
import type { JobDefinition } from './jobs/types'
import { migrateLatest } from './postgresql'
import { logger } from './logger'

export interface WorkerOptions {
  // Extra job definitions (tests; the app's own come from src/jobs/definitions).
  definitions?: JobDefinition<any>[]
}

export const startWorker = async (options: WorkerOptions = {}): Promise<Application> => {
  // Checked before the app exists: creating it in embedded mode would open the PGlite data folder that the
  // web process owns, and PGlite is single-process.
  const settings = feathers().configure(configuration(configurationValidator))
  if (!settings.get('database').url) {
    throw new Error(
      'npm run worker needs DATABASE_URL: the embedded PGlite database belongs to the web process, which runs jobs itself (jobs.runInWeb)'
    )
  }
  const app = createApp()
  await migrateLatest(app.get('postgresqlClient'))
  const runtime = app.get('jobRuntime')
  for (const definition of options.definitions ?? []) runtime.define(definition)
  await runtime.startProcessing()
  await app.setup()
  logger.info({ pid: process.pid, store: runtime.store }, 'worker ready: processing jobs')
  return app
}

export const runWorker = async (options: WorkerOptions = {}) => {
  const app = await startWorker(options)
  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down')
    try {
      await app.teardown()
      process.exit(0)
    } catch (error) {
      logger.error({ err: error }, 'worker shutdown failed')
      process.exit(1)
    }
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
}

if (require.main === module) {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'))
  runWorker().catch((error) => {
    logger.fatal({ err: error }, 'worker failed to start')
    process.exit(1)
  })
}
