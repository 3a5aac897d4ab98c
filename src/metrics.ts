// Prometheus metrics of this process: one prom-client Registry owned by this module, every metric with its fixed
// name and labels, exported so any module can count without reaching for the app.
//
// Why one registry per process (not per app, not prom-client's global one): a scrape answers for the process
// (Prometheus scrapes each process's own /metrics), metric objects must be importable from code that has no app
// at hand (webhook delivery, the publisher), and tests that create several apps in one process must not
// double-register. Counters therefore add up over every app of the process; a test reads exact deltas of its own
// labelled series between two scrapes. Figures that belong to an app (its database pool, its database's outbox
// and job queue) come from apps registered with attachMetrics(), read when scraped (collect()).
import { performance } from 'node:perf_hooks'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export const metricsRegistry = new Registry()
const registers = [metricsRegistry]

// Process metrics (CPU, memory, event loop lag, handles, GC) under prom-client's standard names. GC pauses in
// fine buckets: the stalls worth finding are 1-50 ms (prom-client's default starts at 1 ms, then 10 ms).
collectDefaultMetrics({
  register: metricsRegistry,
  gcDurationBuckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1]
})

const fastBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
const httpBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const jobBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

// HTTP (src/middleware/metrics.ts). `route` is the matched service path (e.g. /messages/:id) or a fixed
// bucket name, never the raw URL: ids in URLs would make one series per id.
export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers
})
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency from arrival to response, by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: httpBuckets,
  registers
})

// Socket.IO connections (src/realtime/guard.ts).
export const socketConnectionsOpen = new Gauge({
  name: 'socket_connections_open',
  help: 'Socket.IO connections open now in this process',
  registers
})
export const socketConnectionsOpened = new Counter({
  name: 'socket_connections_opened_total',
  help: 'Socket.IO connections accepted',
  registers
})
export const socketConnectionsClosed = new Counter({
  name: 'socket_connections_closed_total',
  help: 'Socket.IO connections closed (either side)',
  registers
})

// Service calls (src/hooks/metrics.ts). transport: rest | socketio | internal. outcome: ok or the error's
// class name in kebab case (bad-request, not-authenticated, forbidden, not-found, conflict, too-many-requests,
// unavailable, general-error, ...).
export const serviceCalls = new Counter({
  name: 'service_calls_total',
  help: 'Feathers service calls, by service, method, transport and outcome',
  labelNames: ['service', 'method', 'transport', 'outcome'] as const,
  registers
})
export const serviceCallDuration = new Histogram({
  name: 'service_call_duration_seconds',
  help: 'Feathers service call latency, by service, method, transport and outcome',
  labelNames: ['service', 'method', 'transport', 'outcome'] as const,
  buckets: httpBuckets,
  registers
})

// Messages and realtime delivery.
export const messagesSent = new Counter({
  name: 'messages_sent_total',
  help: 'Messages stored (successful messages create calls, any transport)',
  registers
})
export const eventBroadcasts = new Counter({
  name: 'event_broadcasts_total',
  help: 'Realtime events published by this process, by event name',
  labelNames: ['event'] as const,
  registers
})
export const eventRecipients = new Counter({
  name: 'event_recipients_total',
  help: 'Socket.IO connections in this process that an event was sent to, by event name',
  labelNames: ['event'] as const,
  registers
})
export const messageDeliveryLatency = new Histogram({
  name: 'message_delivery_latency_seconds',
  help: 'Server time from a message send arriving to its messages created event being emitted',
  buckets: fastBuckets,
  registers
})

// Jobs (src/jobs/observe.ts); queue depth is read from the job store when scraped.
export const jobs = new Counter({
  name: 'jobs_total',
  help: 'Jobs run by this process, by name and outcome (success | failure)',
  labelNames: ['name', 'outcome'] as const,
  registers
})
export const jobDuration = new Histogram({
  name: 'job_duration_seconds',
  help: 'Job run time in this process, by name',
  labelNames: ['name'] as const,
  buckets: jobBuckets,
  registers
})

// Counts the jobs this process runs from its Agenda instance's events (src/jobs/observe.ts). Events relayed
// from other processes (remote = true) are counted there. A failed attempt that will be retried is a failure.
type JobEvents = { on(event: string, listener: (...args: any[]) => void): unknown }
export const countJobs = (events: JobEvents) => {
  const started = new Map<string, number>()
  const idOf = (job: any) => String(job?.attrs?._id)
  const end = (job: any, outcome: 'success' | 'failure') => {
    const name = String(job?.attrs?.name ?? 'unknown')
    jobs.inc({ name, outcome })
    const at = started.get(idOf(job))
    if (at !== undefined) jobDuration.observe({ name }, (performance.now() - at) / 1000)
  }
  events.on('start', (job: any, remote?: boolean) => {
    if (!remote) started.set(idOf(job), performance.now())
  })
  events.on('success', (job: any, remote?: boolean) => {
    if (!remote) end(job, 'success')
  })
  events.on('fail', (_error: unknown, job: any, remote?: boolean) => {
    if (!remote) end(job, 'failure')
  })
  events.on('complete', (job: any, remote?: boolean) => {
    if (!remote) started.delete(idOf(job))
  })
}

// Webhooks: incremented by the webhook deliverer (src/webhooks/worker.ts) once per attempt. outcome: success,
// retry (failed, will be tried again) or dead (failed for good).
export const webhookDeliveries = new Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook delivery attempts, by outcome',
  labelNames: ['outcome'] as const,
  registers
})

// Rate limits (src/rate-limits.ts and its hooks). limit: the limiter's name, e.g. rest, rest-api-key, login-ip.
export const rateLimitRejections = new Counter({
  name: 'rate_limit_rejections_total',
  help: 'Requests refused by a rate limit, by limit',
  labelNames: ['limit'] as const,
  registers
})

export const redisAdapterErrors = new Counter({
  name: 'redis_adapter_errors_total',
  help: 'Errors reported by the Redis clients of the Socket.IO adapter',
  registers
})

// What an app gives the scrape-time gauges (src/middleware/metrics.ts builds it from the app).
export interface MetricsSource {
  pool?: () => { used: number; free: number; pending: number }
  // DB-wide figures: read from one attached app only (they are the same from every app on that database).
  outbox?: () => Promise<{ backlog: number; oldestAgeSeconds: number }>
  queueDepth?: () => Promise<number>
}
const sources = new Set<MetricsSource>()

export const attachMetrics = (source: MetricsSource) => {
  sources.add(source)
  return () => void sources.delete(source)
}

// A scrape never waits long on the database: past this, the gauge keeps its previous value.
export const COLLECT_TIMEOUT_MS = 1000
const bounded = <T>(work: Promise<T>): Promise<T | undefined> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), COLLECT_TIMEOUT_MS)
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      () => {
        clearTimeout(timer)
        resolve(undefined)
      }
    )
  })
const latest = <K extends keyof MetricsSource>(key: K) =>
  [...sources].reverse().find((source) => source[key])?.[key]

const poolGauge = (name: string, help: string, pick: 'used' | 'free' | 'pending') =>
  new Gauge({
    name,
    help,
    registers,
    collect() {
      let sum = 0
      for (const source of sources) sum += source.pool?.()[pick] ?? 0
      this.set(sum)
    }
  })
export const dbPoolUsed = poolGauge('db_pool_used', 'Database connections in use (this process)', 'used')
export const dbPoolFree = poolGauge('db_pool_free', 'Idle database connections (this process)', 'free')
export const dbPoolPending = poolGauge(
  'db_pool_pending',
  'Callers waiting for a database connection (this process)',
  'pending'
)

// How long queries waited for a pooled connection: a full pool shows here before it shows as timeouts.
export const dbPoolAcquireWait = new Histogram({
  name: 'db_pool_acquire_wait_seconds',
  help: 'Time a query waited for a pooled database connection (this process)',
  buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 3],
  registers
})

let outboxRead: Promise<{ backlog: number; oldestAgeSeconds: number } | undefined> | undefined
// Both outbox gauges are collected in one scrape: share one query between them.
const readOutbox = () => {
  const read = latest('outbox')
  if (!read) return Promise.resolve(undefined)
  outboxRead ??= bounded(read()).finally(() => setImmediate(() => (outboxRead = undefined)))
  return outboxRead
}
export const outboxBacklog = new Gauge({
  name: 'outbox_backlog',
  help: 'Outbox rows not yet handled and not given up (database-wide)',
  registers,
  async collect() {
    const value = await readOutbox()
    if (value) this.set(value.backlog)
  }
})
export const outboxOldestAge = new Gauge({
  name: 'outbox_oldest_age_seconds',
  help: 'Age of the oldest outbox row not yet handled (0 when none; database-wide)',
  registers,
  async collect() {
    const value = await readOutbox()
    if (value) this.set(value.oldestAgeSeconds)
  }
})
export const jobsQueueDepth = new Gauge({
  name: 'jobs_queue_depth',
  help: 'Jobs whose next run is due (next_run_at in the past), running ones included (job store-wide)',
  registers,
  async collect() {
    const read = latest('queueDepth')
    const value = read ? await bounded(read()) : undefined
    if (value !== undefined) this.set(value)
  }
})

export const renderMetrics = () => metricsRegistry.metrics()
export const metricsContentType = metricsRegistry.contentType
