// Shared by the notification suites: waiting for trigger work, delivery jobs and presence (by events or bounded
// checks, never by sleeping); the SMTP server and push endpoint helpers are re-exported from their own files.
import type { EventEmitter } from 'node:events'
import type { Application } from '../../src/declarations'
import { notificationsSettled } from '../../src/notifications'
import { EMAIL_JOB } from '../../src/notifications/digest'
import { PUSH_JOB } from '../../src/notifications/push'
import { presenceOf } from '../../src/realtime/presence'

export { notificationsSettled }

// Resolves with the next run of a job that `matches` once it finished (completed or failed), in this app's
// runtime. Subscribe BEFORE causing the job: call this first, await it after.
// `outcome` 'success' waits for a successful run (skipping failed attempts that will be retried).
export const nextJobRun = (
  app: Application,
  name: string,
  matches: (data: any) => boolean,
  timeoutMs = 10000,
  outcome: 'complete' | 'success' = 'complete'
) => {
  const events = app.get('jobRuntime').agenda as unknown as EventEmitter
  const event = `${outcome}:${name}`
  return new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off(event, listener)
      reject(new Error(`no ${name} job finished within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (job: any) => {
      if (!matches(job?.attrs?.data ?? {})) return
      clearTimeout(timer)
      events.off(event, listener)
      resolve(job)
    }
    events.on(event, listener)
  })
}

export const nextDigest = (app: Application, userId: string, timeoutMs?: number) =>
  nextJobRun(app, EMAIL_JOB, (data) => data.user_id === userId, timeoutMs)

export const nextPush = (app: Application, notificationId: string, timeoutMs?: number) =>
  nextJobRun(app, PUSH_JOB, (data) => data.notification_id === notificationId, timeoutMs)

// Bounded wait until the presence store says the user is (not) online: socket connects and disconnects
// reach the store asynchronously.
export const waitForPresence = async (
  app: Application,
  userId: string,
  online: boolean,
  timeoutMs = 5000
) => {
  const until = Date.now() + timeoutMs
  for (;;) {
    if ((await presenceOf(app).statuses([userId])).has(userId) === online) return
    if (Date.now() > until) throw new Error(`${userId} did not become ${online ? 'online' : 'offline'}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export * from './smtp-server'
export * from './push-endpoint'
