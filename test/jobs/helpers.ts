// Shared by the job suites: waiting for a job to settle (by Agenda's events, never by sleeping), private servers
// with job settings overridden, and a bounded wait on a condition for work done by other processes.
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import type { EventEmitter } from 'node:events'
import type { JobWithState } from 'agenda'
import type { JobRuntime } from '../../src/jobs'
import type { Configuration } from '../../src/declarations'
import { sharedServer, startServer } from '../helpers/server'

// Resolves with the job's stored state once `done` holds after one of its runs finished, in this process or
// (relayed by PostgreSQL NOTIFY) in another. Subscribe before enqueueing: pass `start` to do the enqueueing.
export const settle = async (
  runtime: JobRuntime,
  start: () => Promise<{ id: string }>,
  done: (job: JobWithState) => boolean = (job) => job.state === 'completed' || job.state === 'failed',
  timeoutMs = 15000
): Promise<JobWithState> => {
  const events = runtime.agenda as unknown as EventEmitter
  let id = ''
  let listener: (job: any) => void = () => undefined
  const result = new Promise<JobWithState>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`job ${id} did not settle in ${timeoutMs} ms`)),
      timeoutMs
    )
    listener = (job: any) => {
      const jobId = String(job?.attrs?._id ?? job?.jobId ?? '')
      if (!id || jobId !== id) return
      runtime.agenda
        .queryJobs({ id })
        .then(({ jobs }) => {
          if (jobs[0] && done(jobs[0])) {
            clearTimeout(timer)
            resolve(jobs[0])
          }
        })
        .catch(reject)
    }
    events.on('complete', listener)
  })
  try {
    id = (await start()).id
    return await result
  } finally {
    events.off('complete', listener)
  }
}

// Polls a condition that another process makes true (its events do not reach this one), up to a bound.
export const waitUntil = async <T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20000,
  what = 'condition'
) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export const jobSettings = (overrides: Partial<Configuration['jobs']> = {}): Configuration['jobs'] => ({
  ...sharedServer().app.get('jobs'),
  ...overrides
})

// A private server on the test database with its own job settings.
export const startJobsServer = (jobs: Partial<Configuration['jobs']>, extra: Partial<Configuration> = {}) =>
  startServer({ jobs: jobSettings(jobs), ...extra })

export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix))
