// The outbox drainer: claims due rows with a lease (FOR UPDATE SKIP LOCKED, so processes never share a row),
// runs each topic's handler, deletes the row on success and backs off on failure. At least once: a process
// killed mid-handler leaves its lease to expire, and another process runs the row again (handlers are
// idempotent where it matters, see src/notifications/outbox-handlers.ts).
import type { Knex } from 'knex'
import type { Application } from '../declarations'
import { logger } from '../logger'

export interface OutboxRow {
  id: number
  topic: string
  org_id: string | null
  payload: any
  attempts: number
  created_at: Date
}

export type OutboxHandler = (app: Application, row: OutboxRow) => Promise<void>

export interface OutboxSettings {
  // Drain right after this process commits (off only in tests that kill a process before it drains).
  immediate: boolean
  // How often the job runtime looks for rows left behind (crashed processes, expired leases, retries).
  sweepMs: number
  leaseMs: number
  batchSize: number
  retryDelayMs: number
  maxRetryDelayMs: number
  maxAttempts: number
}

export const defaultOutboxSettings: OutboxSettings = {
  immediate: true,
  sweepMs: 5000,
  leaseMs: 30000,
  batchSize: 100,
  retryDelayMs: 1000,
  maxRetryDelayMs: 300000,
  maxAttempts: 20
}

// Exponential backoff shared by the outbox and the webhook deliverer: base * 2^(attempts-1), capped. With
// jitter j (0..1) a random fraction up to j of it is taken off, so failures of many rows at once spread out.
export const backoffDelay = (attempts: number, baseMs: number, maxMs: number, jitter = 0) => {
  const delay = Math.min(baseMs * 2 ** Math.max(attempts - 1, 0), maxMs)
  return Math.round(delay * (1 - jitter * Math.random()))
}

// Writes one row inside the caller's transaction: it commits or rolls back with the change it follows.
export const enqueue = async (
  trx: Knex | Knex.Transaction,
  topic: string,
  payload: Record<string, unknown>,
  orgId: string | null = null
) => {
  await trx('outbox').insert({ topic, org_id: orgId, payload: JSON.stringify(payload) })
}

export class Outbox {
  private readonly handlers = new Map<string, OutboxHandler>()
  private running: Promise<void> | null = null
  private again = false
  private stopped = false

  constructor(private readonly app: Application) {}

  // Configured (config outbox, validated at start); tests override parts of it.
  get settings(): OutboxSettings {
    return { ...defaultOutboxSettings, ...(this.app.get('outbox') ?? {}) }
  }

  on(topic: string, handler: OutboxHandler) {
    this.handlers.set(topic, handler)
  }

  // Called after a commit that wrote outbox rows: drains soon, coalescing bursts into one pass.
  kick() {
    if (this.stopped || !this.settings.immediate) return
    void this.drain()
  }

  // Drains until nothing is due. Concurrent calls share one pass (plus one more if asked during it).
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          while (!this.stopped && (await this.drainBatch()) > 0);
        } while (this.again && !this.stopped)
      } catch (error) {
        logger.error({ err: error }, 'outbox drain failed')
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  // Stops draining; waits for the pass under way (its claimed rows finish or return after their lease).
  async stop() {
    this.stopped = true
    await this.running
  }

  // Only topics this process has handlers for: during a rolling deploy an older process leaves newer topics
  // to the processes that know them.
  private async drainBatch(): Promise<number> {
    if (this.handlers.size === 0) return 0
    const db = this.app.get('postgresqlClient')
    const { leaseMs, batchSize } = this.settings
    const claimed = await db.raw(
      `update outbox set available_at = now() + (? * interval '1 millisecond'), attempts = attempts + 1
       where id in (
         select id from outbox where dead_at is null and available_at <= now() and topic = any(?::text[])
         order by id limit ? for update skip locked)
       returning id, topic, org_id, payload, attempts, created_at`,
      [leaseMs, [...this.handlers.keys()], batchSize]
    )
    const rows: OutboxRow[] = claimed.rows.sort((a: OutboxRow, b: OutboxRow) => Number(a.id) - Number(b.id))
    // In id order, one at a time: a room's events are handled in the order they were committed.
    for (const row of rows) await this.handle(db, row)
    return rows.length
  }

  private async handle(db: Knex, row: OutboxRow) {
    const handler = this.handlers.get(row.topic)
    try {
      if (!handler) throw new Error(`no outbox handler for topic "${row.topic}"`)
      await handler(this.app, row)
      await db('outbox').where({ id: row.id }).del()
    } catch (error: any) {
      const { retryDelayMs, maxRetryDelayMs, maxAttempts } = this.settings
      const dead = row.attempts >= maxAttempts
      const delay = backoffDelay(row.attempts, retryDelayMs, maxRetryDelayMs)
      logger.error({ err: error, outbox_id: row.id, topic: row.topic, dead }, 'outbox handler failed')
      await db('outbox')
        .where({ id: row.id })
        .update({
          last_error: String(error?.message ?? error).slice(0, 1000),
          available_at: db.raw(`now() + (? * interval '1 millisecond')`, [delay]),
          ...(dead ? { dead_at: db.fn.now() } : {})
        })
    }
  }
}

const outboxes = new WeakMap<Application, Outbox>()

export const outboxOf = (app: Application): Outbox => {
  let outbox = outboxes.get(app)
  if (!outbox) outboxes.set(app, (outbox = new Outbox(app)))
  return outbox
}
