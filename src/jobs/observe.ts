// Logs every job outcome of this process (src/logger.ts) and tracks its running jobs for a graceful stop.
// Events that Agenda relays from other processes (remote = true) are theirs to log.
import { EventEmitter } from 'node:events'
import type { Agenda, Job } from 'agenda'
import { logger } from '../logger'
import { countJobs } from '../metrics'

const describe = (job: Job) => ({
  id: String(job.attrs._id ?? ''),
  name: job.attrs.name,
  org_id: (job.attrs.data as any)?.org_id ?? null,
  fail_count: job.attrs.failCount ?? 0
})

export class RunningJobs {
  private readonly ids = new Set<string>()
  private readonly events = new EventEmitter()

  constructor(agenda: Agenda) {
    const events = agenda as unknown as EventEmitter
    countJobs(events)
    events.on('error', (err: unknown) => logger.error({ err }, 'job processing error'))
    events.on('start', (job: Job, remote?: boolean) => {
      if (remote) return
      this.ids.add(String(job.attrs._id))
      logger.debug({ job: describe(job) }, 'job started')
    })
    events.on('complete', (job: Job, remote?: boolean) => {
      if (remote) return
      this.ids.delete(String(job.attrs._id))
      if (this.ids.size === 0) this.events.emit('idle')
    })
    events.on('success', (job: Job, remote?: boolean) => {
      if (!remote) logger.debug({ job: describe(job) }, 'job succeeded')
    })
    events.on('fail', (err: unknown, job: Job, remote?: boolean) => {
      if (!remote) logger.warn({ job: describe(job), err }, 'job failed')
    })
    events.on(
      'retry',
      (job: Job, details: { attempt: number; delay: number; nextRunAt: Date }, remote?: boolean) => {
        if (remote) return
        const { attempt, delay, nextRunAt } = details
        logger.info(
          { job: describe(job), attempt, delay_ms: delay, next_run_at: nextRunAt },
          'job retry scheduled'
        )
      }
    )
    events.on('retry exhausted', (err: unknown, job: Job) => {
      logger.error({ job: describe(job), err }, 'job gave up: retries exhausted')
    })
  }

  get list() {
    return [...this.ids]
  }

  // Resolves true once nothing runs, false if something still runs after timeoutMs.
  idle(timeoutMs: number) {
    if (this.ids.size === 0) return Promise.resolve(true)
    return new Promise<boolean>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        this.events.off('idle', done)
        resolve(false)
      }, timeoutMs)
      this.events.once('idle', done)
    })
  }
}
