// What a background job is: a named handler plus its retry, concurrency and schedule settings.
import type { Job } from 'agenda'
import type { Application } from '../declarations'

// Exponential backoff between attempts; numbers only (Agenda parses strings like '250 milliseconds' wrongly).
export interface RetrySettings {
  delayMs: number
  factor: number
  maxRetries: number
  maxDelayMs: number
}

export interface JobContext<Data> {
  app: Application
  data: Data
  job: Job<Data>
  // Renews the job's lock; long jobs call it between steps so no other worker takes the job over.
  touch: () => Promise<void>
}

export interface JobDefinition<Data extends Record<string, unknown> = Record<string, any>> {
  name: string
  // Throwing fails the attempt; it is retried per `retry` and logged.
  run: (context: JobContext<Data>) => Promise<void>
  // Parallel runs of this job per process (default jobs.concurrency).
  concurrency?: number
  // A lock older than this is considered abandoned and the job may run elsewhere (default jobs.lockLifetimeMs).
  lockLifetimeMs?: number
  priority?: number
  // false: never retried; a partial object overrides jobs.retry.
  retry?: false | Partial<RetrySettings>
  // Recurring system jobs: the interval in ms (0 or less: not scheduled, and an existing schedule is removed).
  everyMs?: (app: Application) => number
  // Keys of the job data that an org's ADMINs may see through the jobs service (besides org_id). Job data is
  // hidden by default because it may hold payloads; never put secrets into job data anyway.
  adminFields?: string[]
}

// Job data of org-owned work carries org_id: it decides which org's ADMINs can list the job.
export interface OrgJobData extends Record<string, unknown> {
  org_id?: string
}
