// The webhook deliverer, one per server process: polls for due deliveries every webhooks.pollMs and claims at
// most `concurrency` at a time with a lease (FOR UPDATE SKIP LOCKED, as the outbox does), so processes never
// share a delivery and one killed mid-request leaves a lease that expires into a redelivery (at least once,
// same event id). It runs beside the request path: a send only ever writes a row; slow receivers hold this
// pool, never a request. Outcomes: sent, failed (backoff with jitter) and, after webhooks.retryForMs, dead;
// each attempt counts once in webhook_deliveries_total{outcome=success|retry|dead} (src/metrics.ts).
import type { Application } from '../declarations'
import { logger } from '../logger'
import { webhookDeliveries } from '../metrics'
import { backoffDelay } from '../outbox/outbox'
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER
} from '../webhook-signature'
import { postWebhook } from './deliver'
import type { AttemptResult } from './deliver'
import { disableFailingWebhook } from './disable'
import { signatureHeader } from './sign'

export interface WebhookSettings {
  timeoutMs: number
  retryForMs: number
  retryDelayMs: number
  maxRetryDelayMs: number
  leaseMs: number
  pollMs: number
  concurrency: number
  disableAfterDeadDeliveries: number
  secretOverlapMs: number
  maxPerOrg: number
  keepDays: number
  allowPrivateTargets: boolean
}

interface Claimed {
  id: string
  webhook_id: string
  org_id: string
  event_id: string
  event_type: string
  data: unknown
  event_created_at: Date
  attempts: number
  url: string
  secret: string
  previous_secret: string | null
}

// The exact body a receiver verifies: built once per attempt, signed as sent.
export const eventBody = (
  row: Pick<Claimed, 'event_id' | 'event_type' | 'event_created_at' | 'org_id' | 'data'>
) =>
  JSON.stringify({
    id: row.event_id,
    type: row.event_type,
    created_at: new Date(row.event_created_at).toISOString(),
    org_id: row.org_id,
    data: row.data
  })

export class WebhookWorker {
  private timer: NodeJS.Timeout | null = null
  private readonly inflight = new Set<Promise<void>>()
  private readonly abort = new AbortController()
  private claiming = false
  private again = false
  private stopped = false

  constructor(private readonly app: Application) {}

  get settings(): WebhookSettings {
    return this.app.get('webhooks') as WebhookSettings
  }

  start() {
    if (this.timer || this.stopped) return
    this.timer = setInterval(() => this.kick(), this.settings.pollMs)
    this.timer.unref()
    this.kick()
  }

  // Look for due deliveries now (after a ping or a redelivery) instead of at the next poll.
  kick() {
    if (!this.stopped) void this.fill()
  }

  // Attempts under way are aborted and handed back (due at once) for another process or the next start.
  async stop() {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.abort.abort()
    await Promise.allSettled([...this.inflight])
  }

  // Claims as many due deliveries as the pool has room for; coalesces concurrent calls into one more pass.
  private async fill() {
    if (this.claiming) {
      this.again = true
      return
    }
    this.claiming = true
    try {
      do {
        this.again = false
        const room = this.settings.concurrency - this.inflight.size
        if (room <= 0 || this.stopped) break
        const rows = await this.claim(room)
        for (const row of rows) {
          const attempt: Promise<void> = this.attempt(row)
            .catch((error) => logger.error({ err: error, delivery_id: row.id }, 'webhook attempt failed'))
            .finally(() => {
              this.inflight.delete(attempt)
              this.kick()
            })
          this.inflight.add(attempt)
        }
        if (rows.length === room) this.again = true
      } while (this.again && !this.stopped)
    } catch (error) {
      if (!this.stopped) logger.error({ err: error }, 'webhook claim failed')
    } finally {
      this.claiming = false
    }
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const { leaseMs, timeoutMs } = this.settings
    // The lease outlives the attempt's timeout, or a slow receiver would be sent the event twice at once.
    const lease = Math.max(leaseMs, timeoutMs + 1000)
    const db = this.app.get('postgresqlClient')
    const claimed = await db.raw(
      `update webhook_deliveries d
         set next_attempt_at = now() + (? * interval '1 millisecond'), attempts = d.attempts + 1,
             last_attempt_at = now()
       from webhooks w
       where w.id = d.webhook_id and d.id in (
         select d2.id from webhook_deliveries d2 join webhooks w2 on w2.id = d2.webhook_id
         where d2.status in ('pending', 'failed') and d2.next_attempt_at <= now() and w2.active
         order by d2.next_attempt_at, d2.event_created_at, d2.id limit ? for update of d2 skip locked)
       returning d.id, d.webhook_id, d.org_id, d.event_id, d.event_type, d.data, d.event_created_at, d.attempts,
         w.url, w.secret,
         case when w.previous_secret_expires_at > now() then w.previous_secret end as previous_secret`,
      [lease, limit]
    )
    return (claimed.rows as Claimed[]).sort(
      (a, b) => new Date(a.event_created_at).getTime() - new Date(b.event_created_at).getTime()
    )
  }

  private async attempt(row: Claimed) {
    const { timeoutMs, allowPrivateTargets } = this.settings
    const body = eventBody(row)
    const secrets = [row.secret, ...(row.previous_secret ? [row.previous_secret] : [])]
    const result = await postWebhook(
      row.url,
      body,
      {
        [WEBHOOK_EVENT_HEADER]: row.event_type,
        [WEBHOOK_DELIVERY_HEADER]: row.id,
        [WEBHOOK_EVENT_ID_HEADER]: row.event_id,
        [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(secrets, Math.floor(Date.now() / 1000), body)
      },
      { timeoutMs, allowPrivate: allowPrivateTargets, signal: this.abort.signal }
    )
    if (this.abort.signal.aborted && !result.ok) return this.release(row)
    await this.record(row, result)
  }

  // Shutting down: the attempt does not count, and the delivery is due again at once.
  private async release(row: Claimed) {
    const db = this.app.get('postgresqlClient')
    await db('webhook_deliveries')
      .where({ id: row.id, attempts: row.attempts })
      .update({ attempts: row.attempts - 1, next_attempt_at: db.fn.now() })
  }

  private async record(row: Claimed, result: AttemptResult) {
    const db = this.app.get('postgresqlClient')
    const { retryDelayMs, maxRetryDelayMs, retryForMs } = this.settings
    // `attempts = ?` fences the write: a delivery whose lease expired and was claimed again belongs to that claim.
    const fence = { id: row.id, attempts: row.attempts }
    if (result.ok) {
      await db('webhook_deliveries').where(fence).update({
        status: 'sent',
        delivered_at: db.fn.now(),
        response_code: result.status,
        last_error: null
      })
      await db('webhooks')
        .where({ id: row.webhook_id })
        .where('dead_streak', '>', 0)
        .update({ dead_streak: 0 })
      webhookDeliveries.inc({ outcome: 'success' })
      return
    }
    const delay = backoffDelay(row.attempts, retryDelayMs, maxRetryDelayMs, 0.5)
    const updated = await db.raw(
      `update webhook_deliveries set
         status = case when retry_from + (? * interval '1 millisecond') <= now() + (? * interval '1 millisecond')
           then 'dead' else 'failed' end,
         next_attempt_at = now() + (? * interval '1 millisecond'), response_code = ?, last_error = ?
       where id = ? and attempts = ? returning status`,
      [
        retryForMs,
        delay,
        delay,
        result.status,
        (result.error ?? 'failed').slice(0, 1000),
        row.id,
        row.attempts
      ]
    )
    const status = updated.rows[0]?.status
    if (status === 'dead') {
      webhookDeliveries.inc({ outcome: 'dead' })
      await disableFailingWebhook(this.app, row.webhook_id, this.settings.disableAfterDeadDeliveries)
    } else if (status === 'failed') {
      webhookDeliveries.inc({ outcome: 'retry' })
    }
  }
}

const workers = new WeakMap<Application, WebhookWorker>()

export const webhookWorkerOf = (app: Application): WebhookWorker => {
  let worker = workers.get(app)
  if (!worker) workers.set(app, (worker = new WebhookWorker(app)))
  return worker
}
