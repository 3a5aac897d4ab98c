// Adapters between Agenda and our runtime: a backend that is already connected, a repository that refuses new
// claims once the process is stopping, and the backoff strategy built from numbers.
import { exponential } from 'agenda'
import type { AgendaBackend, BackoffStrategy, JobRepository } from 'agenda'
import type { RetrySettings } from './types'

// Agenda connects its backend in its constructor without handling a failure; connect first (so a failure is an
// ordinary error at start), then give Agenda a backend whose connect() is that settled promise.
export const connectedBackend = async (
  backend: AgendaBackend,
  repository: JobRepository
): Promise<AgendaBackend> => {
  const connected = backend.connect()
  try {
    await connected
  } catch (error) {
    await backend.disconnect().catch(() => undefined)
    throw error
  }
  return {
    name: backend.name,
    repository,
    get notificationChannel() {
      return backend.notificationChannel
    },
    get logger() {
      return backend.logger
    },
    get ownsConnection() {
      return backend.ownsConnection
    },
    connect: () => connected,
    disconnect: () => backend.disconnect()
  }
}

// Agenda's stop() hands back the jobs a process claimed but did not start, yet a claim already on its way to
// the database lands after that and would stay locked for a whole lock lifetime. Once `stopping()` is true,
// claims are refused, and one that lands anyway is handed back at once.
// `claimed` collects what this process locked; the runtime forgets a job once it starts and, at stop, hands
// back whatever never started (Agenda can stop between queueing a claimed job and running it).
export const guardedRepository = (
  repository: JobRepository,
  stopping: () => boolean,
  claimed: Map<string, unknown> = new Map()
): JobRepository =>
  new Proxy(repository, {
    get: (target, property) => {
      if (property === 'getNextJobToRun') {
        return async (...args: Parameters<JobRepository['getNextJobToRun']>) => {
          if (stopping()) return undefined
          const job = await target.getNextJobToRun(...args)
          if (job && stopping()) {
            await target.unlockJob(job)
            return undefined
          }
          if (job?._id !== undefined) claimed.set(String(job._id), job._id)
          return job
        }
      }
      const value = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })

export const backoffFor = (
  defaults: RetrySettings,
  retry: false | Partial<RetrySettings> | undefined
): BackoffStrategy | undefined => {
  if (retry === false) return undefined
  const settings = { ...defaults, ...retry }
  return exponential({
    delay: settings.delayMs,
    factor: settings.factor,
    maxRetries: settings.maxRetries,
    maxDelay: settings.maxDelayMs
  })
}
