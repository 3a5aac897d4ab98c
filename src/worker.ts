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
import { onSignals, flushLogs } from './shutdown'
import { redact, validateConfiguration } from './startup'

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
  logger.info({ config: redact(await validateConfiguration(app)) }, 'configuration')
  await migrateLatest(app.get('postgresqlClient'))
  const runtime = app.get('jobRuntime')
  for (const definition of options.definitions ?? []) runtime.define(definition)
  await runtime.startProcessing()
  await app.setup()
  logger.info({ pid: process.pid, store: runtime.store }, 'worker ready: processing jobs')
  return app
}

// SIGTERM/SIGINT: the teardown stops the job runtime (running jobs get jobs.drainTimeoutMs), the outbox,
// Redis and the pool, all within shutdown.timeoutMs; then the logs are flushed (onSignals) and it exits.
export const runWorker = async (options: WorkerOptions = {}) => {
  const app = await startWorker(options)
  onSignals(async (signal) => {
    const timeoutMs = (app.get('shutdown' as any) as { timeoutMs?: number } | undefined)?.timeoutMs ?? 20000
    logger.info({ signal, timeoutMs }, 'worker shutting down')
    let timer: NodeJS.Timeout | undefined
    const finished = await Promise.race([
      app.teardown().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
    ]).finally(() => clearTimeout(timer))
    logger.info({ signal, finished }, finished ? 'worker shut down' : 'worker shut down: timed out')
    return finished ? 0 : 1
  })
}

if (require.main === module) {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'))
  runWorker().catch(async (error) => {
    logger.fatal({ err: error }, 'worker failed to start')
    await flushLogs()
    process.exit(1)
  })
}
