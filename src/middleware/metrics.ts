// HTTP metrics (one Koa middleware), GET /metrics in Prometheus text format, the optional admin port, and this
// app's scrape-time figures (database pool, outbox, job queue). Who may scrape: with metrics.token set, only a
// request carrying `Authorization: Bearer <token>` (401 otherwise); with metrics.port set, /metrics is served on
// that port only (metrics.host, loopback by default) and the public port answers 404; with neither, /metrics
// is off (404): process internals are never public by default.
import crypto from 'node:crypto'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { MethodNotAllowed, NotAuthenticated, NotFound } from '@feathersjs/errors'
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'
import {
  attachMetrics,
  dbPoolAcquireWait,
  httpRequestDuration,
  httpRequests,
  metricsContentType,
  renderMetrics
} from '../metrics'
import { logger } from '../logger'

export interface MetricsSettings {
  token: string
  port: number
  host: string
}

const settingsOf = (app: Application): MetricsSettings => ({
  token: '',
  port: 0,
  host: '127.0.0.1',
  ...((app.get('metrics' as any) as Partial<MetricsSettings>) ?? {})
})

// Compared as digests so the comparison takes the same time whatever the guess.
const tokenMatches = (header: string | undefined, token: string) => {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  if (!match) return false
  const digest = (value: string) => crypto.createHash('sha256').update(value).digest()
  return crypto.timingSafeEqual(digest(match[1]), digest(token))
}

// The route label: the service's registered path (ids as :id), or a fixed name. Never the raw URL, whose ids
// would make a series per record.
const servicePaths = new WeakMap<object, string>()
const pathOfService = (app: Application, service: object) => {
  if (!servicePaths.has(service)) {
    for (const [path, registered] of Object.entries(app.services)) servicePaths.set(registered, path)
  }
  return servicePaths.get(service)
}
const FIXED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics'])
// Koa routes outside the services (API docs, OAuth redirects, signed upload URLs), one series each.
const PREFIX_ROUTES = ['/docs', '/oauth', '/files']
export const routeOf = (app: Application, ctx: any): string => {
  const service = ctx.lookup?.service
  const path = service ? pathOfService(app, service) : undefined
  if (path !== undefined) {
    const id = ctx.lookup.params?.__id
    return `/${path}${id !== undefined && id !== null ? '/:id' : ''}`
  }
  if (FIXED_ROUTES.has(ctx.path)) return ctx.path
  for (const prefix of PREFIX_ROUTES) {
    if (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`)) return prefix
  }
  return ctx.status === 404 ? 'unmatched' : 'static'
}

// Registered right after requestContext, outside the error handler, so it sees the status actually sent.
export const httpMetrics =
  (app: Application): Middleware =>
  async (ctx, next) => {
    const started = performance.now()
    try {
      await next()
    } finally {
      const labels = { method: ctx.method, route: routeOf(app, ctx), status: String(ctx.status) }
      httpRequests.inc(labels)
      httpRequestDuration.observe(labels, (performance.now() - started) / 1000)
    }
  }

// GET /metrics on the public port (when metrics.token is set and no admin port is).
export const metricsEndpoint =
  (app: Application): Middleware =>
  async (ctx, next) => {
    if (ctx.path !== '/metrics') return next()
    const { token, port } = settingsOf(app)
    if (!token || port) throw new NotFound(`Path ${ctx.path} not found`, { code: 'not_found' })
    if (!tokenMatches(ctx.get('authorization'), token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"')
      throw new NotAuthenticated('A valid metrics token is required', { code: 'not_authenticated' })
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD')
      throw new MethodNotAllowed('Only GET /metrics', { code: 'method_not_allowed' })
    ctx.set('Cache-Control', 'no-store')
    ctx.type = metricsContentType
    ctx.body = await renderMetrics()
  }

// The admin listener (metrics.port): /metrics only, token checked too when set.
const adminServer = (settings: MetricsSettings) =>
  http.createServer((req, res) => {
    const answer = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' })
      res.end(body)
    }
    if (new URL(req.url ?? '/', 'http://admin').pathname !== '/metrics') return answer(404, 'Not found\n')
    if (settings.token && !tokenMatches(req.headers.authorization, settings.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"')
      return answer(401, 'A valid metrics token is required\n')
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'Only GET /metrics\n')
    renderMetrics().then(
      (text) => answer(200, text, metricsContentType),
      (err) => {
        logger.error({ err }, 'metrics scrape failed')
        answer(500, 'Scrape failed\n')
      }
    )
  })

// Each acquire's wait, from tarn's events (acquireRequest → acquireSuccess/acquireFail, matched by event id).
const watchPoolWaits = (pool: any) => {
  if (!pool || typeof pool.on !== 'function') return () => undefined
  const started = new Map<number, number>()
  const request = (id: number) => started.set(id, performance.now())
  const done = (id: number) => {
    const at = started.get(id)
    if (at === undefined) return
    started.delete(id)
    dbPoolAcquireWait.observe((performance.now() - at) / 1000)
  }
  pool.on('acquireRequest', request)
  pool.on('acquireSuccess', done)
  pool.on('acquireFail', done)
  return () => {
    pool.removeListener('acquireRequest', request)
    pool.removeListener('acquireSuccess', done)
    pool.removeListener('acquireFail', done)
  }
}

// This app's scrape-time figures, and the admin port's life with the app's (setup → teardown).
export const metrics = (app: Application) => {
  const db = () => app.get('postgresqlClient')
  const unwatchPool = watchPoolWaits((db()?.client as any)?.pool)
  const detach = attachMetrics({
    pool: () => {
      const pool = (db()?.client as any)?.pool
      if (!pool) return { used: 0, free: 0, pending: 0 }
      return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() }
    },
    // Both through the partial index outbox_due (rows not given up).
    outbox: async () => {
      const knex = db()
      const row: any = await knex('outbox')
        .whereNull('dead_at')
        .first(
          knex.raw('count(*)::int as backlog'),
          knex.raw('coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age')
        )
      return { backlog: Number(row?.backlog ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) }
    },
    queueDepth: async () => app.get('jobRuntime').agenda.db.getQueueSize()
  })
  let server: http.Server | null = null
  app.hooks({
    setup: [
      async (_context: any, next: () => Promise<void>) => {
        await next()
        const settings = settingsOf(app)
        if (!settings.port || server) return
        const listener = adminServer(settings)
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject)
          listener.listen(settings.port, settings.host, () => resolve())
        })
        server = listener
        logger.info({ host: settings.host, port: settings.port }, 'metrics on the admin port')
      }
    ],
    teardown: [
      async (_context: any, next: () => Promise<void>) => {
        detach()
        unwatchPool()
        const listener = server
        server = null
        if (listener) {
          listener.closeAllConnections()
          await new Promise((resolve) => listener.close(resolve))
        }
        await next()
      }
    ]
  })
}
