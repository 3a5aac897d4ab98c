// One process's job runtime: Agenda with our definitions, enqueueing, listing, pruning and a clean shutdown.
//
// Exactly-once between processes comes from Agenda's locking: a worker claims a due job with an atomic
// UPDATE ... FOR UPDATE SKIP LOCKED that sets locked_at, and only the claimer runs it. A lock older than the
// job's lockLifetime (jobs.lockLifetimeMs, default 10 min) counts as abandoned (crashed worker) and the job may
// run again elsewhere, so a job that can run longer must call touch() between steps (retention does).
// jobs.concurrency caps parallel runs per job name per process, jobs.maxConcurrency all runs per process,
// jobs.lockLimit (0 = no cap) how many due jobs one process may claim ahead of running them.
import os from 'node:os'
import { randomBytes } from 'node:crypto'
import { Agenda } from 'agenda'
import type { AgendaBackend, Job, JobState, JobWithState, NotificationChannel } from 'agenda'
import type { Application } from '../declarations'
import { logger } from '../logger'
import { JOBS_TABLE, createJobBackend } from './backend'
import type { JobStore } from './backend'
import { backoffFor, connectedBackend, guardedRepository } from './agenda-facade'
import { RunningJobs } from './observe'
import { OutageRecovery, heldByAgenda } from './recovery'
import type { JobDefinition } from './types'

export interface JobListOptions {
  orgId?: string
  name?: string
  state?: JobState
  limit: number
  skip: number
}

export interface EnqueuedJob {
  id: string
  name: string
}

export class JobRuntime {
  // Whether this process runs jobs (jobs.runInWeb for the web process; always for `npm run worker`).
  processJobs: boolean
  store: JobStore | null = null
  private instance: Agenda | null = null
  private backend: AgendaBackend | null = null
  private closeStore: (() => Promise<void>) | null = null
  private recovery: OutageRecovery | null = null
  private running: RunningJobs | null = null
  private starting: Promise<void> | null = null
  private processing = false
  private stopping = false
  private claimed = new Map<string, unknown>()
  private repository: { unlockJobs(ids: any[]): Promise<void> } | null = null
  // A process that only enqueues still announces new jobs (LISTEN/NOTIFY), so workers start them at once.
  private channel: NotificationChannel | null = null
  private publishOnly = false
  private readonly definitions = new Map<string, JobDefinition<any>>()

  constructor(
    private readonly app: Application,
    definitions: JobDefinition<any>[]
  ) {
    this.processJobs = app.get('jobs').runInWeb
    for (const definition of definitions) this.define(definition)
  }

  // The Agenda instance, for tests and advanced use (events, queryJobs).
  get agenda(): Agenda {
    if (!this.instance) throw new Error('The job runtime is not started (app.setup() has not run)')
    return this.instance
  }

  define(definition: JobDefinition<any>) {
    this.definitions.set(definition.name, definition)
    if (this.instance) this.register(this.instance, definition)
  }

  definition(name: string) {
    return this.definitions.get(name)
  }

  start(): Promise<void> {
    this.starting ??= this.connect().catch((error) => {
      this.starting = null
      throw error
    })
    return this.starting
  }

  private register(agenda: Agenda, definition: JobDefinition<any>) {
    const settings = this.app.get('jobs')
    agenda.define(
      definition.name,
      async (job: Job<any>) => {
        await definition.run({ app: this.app, data: job.attrs.data ?? {}, job, touch: () => job.touch() })
      },
      {
        concurrency: definition.concurrency ?? settings.concurrency,
        lockLifetime: definition.lockLifetimeMs ?? settings.lockLifetimeMs,
        priority: definition.priority,
        backoff: backoffFor(settings.retry, definition.retry)
      }
    )
  }

  private async connect() {
    const settings = this.app.get('jobs')
    this.stopping = false
    const { store, backend, notificationChannel, close, pool } = await createJobBackend(this.app)
    this.claimed = new Map()
    const repository = guardedRepository(backend.repository, () => this.stopping, this.claimed)
    const agenda = new Agenda({
      backend: await connectedBackend(backend, repository),
      notificationChannel,
      // Unique per runtime: Agenda ignores relayed events whose source carries its own name.
      name: `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      processEvery: settings.processEveryMs,
      defaultConcurrency: settings.concurrency,
      maxConcurrency: settings.maxConcurrency,
      defaultLockLimit: settings.lockLimit,
      defaultLockLifetime: settings.lockLifetimeMs
    })
    this.running = new RunningJobs(agenda)
    const claimed = this.claimed
    const running = this.running
    if (pool) {
      const recovery = new OutageRecovery(
        pool,
        agenda.attrs.name ?? '',
        () => {
          // What Agenda holds, plus what runs (our own count); a claim Agenda dropped without starting it
          // (its first save failed in the outage) is forgotten here too, so stop() does not hand it back.
          const held = new Set([...heldByAgenda(agenda), ...running.list])
          for (const id of claimed.keys()) if (!held.has(id)) claimed.delete(id)
          return [...held]
        },
        Math.max(1000, Math.min(settings.processEveryMs, 5000))
      )
      recovery.watch(agenda, [pool, ...(backend.notificationChannel ? [backend.notificationChannel] : [])])
      recovery.superviseChannel(
        backend.notificationChannel ?? null,
        () => this.processing || this.publishOnly
      )
      this.recovery = recovery
    }
    agenda.on('start', (job: any) => claimed.delete(String(job?.attrs?._id)))
    this.repository = repository
    for (const definition of this.definitions.values()) this.register(agenda, definition)
    await agenda.ready
    this.instance = agenda
    this.backend = backend
    this.closeStore = close ?? null
    this.store = store
    this.channel = notificationChannel ?? backend.notificationChannel ?? null
    await this.scheduleRecurring(agenda)
    if (this.processJobs) {
      await this.startProcessing()
    } else if (store === 'embedded') {
      logger.warn(
        'jobs.runInWeb is off in embedded mode: no process will run jobs (workers need DATABASE_URL)'
      )
    } else if (this.channel) {
      await this.channel.connect()
      this.publishOnly = true
    }
    logger.info({ store, processing: this.processing }, 'jobs ready')
  }

  // Starts running jobs in this process (the worker calls it; the web process does when jobs.runInWeb).
  async startProcessing() {
    this.processJobs = true
    if (!this.instance || this.processing) return
    if (this.publishOnly) {
      // Agenda.start() connects the channel itself (and would open a second LISTEN connection).
      this.publishOnly = false
      await this.channel?.disconnect()
    }
    await this.instance.start()
    this.processing = true
  }

  // Recurring system jobs are single rows upserted by name, so every process may (re)declare them at start.
  private async scheduleRecurring(agenda: Agenda) {
    for (const definition of this.definitions.values()) {
      if (!definition.everyMs) continue
      const everyMs = definition.everyMs(this.app)
      if (everyMs > 0) {
        await agenda.every(everyMs, definition.name, {})
      } else {
        const { jobs } = await agenda.queryJobs({ name: definition.name })
        const ids = jobs.filter((job) => job.repeatInterval).map((job) => String(job._id))
        if (ids.length > 0) await agenda.cancel({ ids })
      }
    }
  }

  private async ready(): Promise<Agenda> {
    if (this.starting) await this.starting
    return this.agenda
  }

  // Queues a job now, or at `at`. Org-owned work must put org_id into data (it decides who may list it).
  // In embedded mode do not await this inside a knex transaction (see knex-pool.ts).
  async enqueue<Data extends Record<string, unknown>>(name: string, data: Data, options: { at?: Date } = {}) {
    if (!this.definitions.has(name)) throw new Error(`Unknown job "${name}": add it to src/jobs/definitions`)
    const agenda = await this.ready()
    const job = options.at ? await agenda.schedule(options.at, name, data) : await agenda.now(name, data)
    return { id: String(job.attrs._id), name } as EnqueuedJob
  }

  // Jobs with their computed state: upcoming ones first (latest next run first), then by latest run.
  async list(options: JobListOptions): Promise<{ total: number; jobs: JobWithState[] }> {
    const agenda = await this.ready()
    const result = await agenda.queryJobs({
      name: options.name,
      state: options.state,
      data: options.orgId ? { org_id: options.orgId } : undefined,
      skip: options.skip,
      // Agenda reads limit 0 as "all"; a page of 0 still reports the total.
      limit: Math.max(options.limit, 1)
    })
    return { total: result.total, jobs: options.limit === 0 ? [] : result.jobs }
  }

  // Removes one-off jobs that finished or failed for good before `before`; returns how many.
  async pruneFinished(before: Date): Promise<number> {
    const agenda = await this.ready()
    if (this.store !== 'mongodb') {
      // returning() rather than del()'s count: knex-pglite (embedded mode) answers del() with a raw result.
      const removed = await this.app
        .get('postgresqlClient')(JOBS_TABLE)
        .whereNull('next_run_at')
        .whereNull('locked_at')
        .whereNull('repeat_interval')
        .whereRaw('coalesce(last_finished_at, failed_at) < ?', [before])
        .del()
        .returning('id')
      return removed.length
    }
    const { jobs } = await agenda.queryJobs({})
    const ids = jobs
      .filter((job) => !job.repeatInterval && !job.nextRunAt && !job.lockedAt)
      .filter((job) => {
        const ended = job.lastFinishedAt ?? job.failedAt
        return ended !== undefined && new Date(ended) < before
      })
      .map((job) => String(job._id))
    return ids.length > 0 ? agenda.cancel({ ids }) : 0
  }

  // For readiness checks: true when the job store answers.
  async ping(): Promise<boolean> {
    try {
      await (await this.ready()).db.getQueueSize()
      return true
    } catch {
      return false
    }
  }

  // Stops claiming jobs, hands back claimed-but-unstarted ones at once, lets running ones finish (up to
  // jobs.drainTimeoutMs; a job cut off there runs again elsewhere after its lock lifetime), and closes the job
  // store's own connections. The app's knex is left to the app's teardown.
  async stop() {
    await this.starting?.catch(() => undefined)
    const { instance: agenda, backend, running } = this
    if (!agenda || !backend) return
    this.instance = null
    this.backend = null
    this.starting = null
    if (this.publishOnly) {
      this.publishOnly = false
      await this.channel?.disconnect()
    }
    if (this.processing) {
      this.processing = false
      this.stopping = true
      await agenda.stop(false)
      const finished = await running!.idle(this.app.get('jobs').drainTimeoutMs)
      if (!finished) logger.warn({ running: running!.list }, 'jobs still running at shutdown')
      // Claimed here but never started: hand them back now rather than after a whole lock lifetime.
      if (this.claimed.size && this.repository) {
        await this.repository
          .unlockJobs([...this.claimed.values()])
          .catch((err) => logger.error({ err }, 'unlock at stop failed'))
        this.claimed.clear()
      }
    }
    if (backend.ownsConnection) await backend.disconnect()
    this.recovery?.stop()
    this.recovery = null
    const close = this.closeStore
    this.closeStore = null
    await close?.()
  }
}
