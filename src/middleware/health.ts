// Liveness (the process answers) and readiness (the database with every migration applied, Redis when
// configured, the job runtime, and not shutting down).
// Readiness runs its checks in parallel, each bounded (health.checkTimeoutMs, default 700 ms), so it answers
// within a second even when a dependency hangs (a paused Redis, a database behind a dead network), and names
// each dependency with `ok` or `down`.
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'
import { pendingMigrations } from '../postgresql'

// Apps that received SIGTERM (src/shutdown.ts): readiness says 503 so a load balancer stops sending work.
const draining = new WeakSet<object>()
export const markDraining = (app: Application) => draining.add(app)

const withTimeout = <T>(promise: Promise<T>, ms: number) => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

// A probe answers false for `down`, 'pending' for migrations not applied, anything else (PONG...) for `ok`.
const check = async (probe: () => Promise<unknown>, ms: number) => {
  try {
    const result = await withTimeout(probe(), ms)
    return result === false ? 'down' : result === 'pending' ? 'pending' : 'ok'
  } catch {
    return 'down'
  }
}

export const readiness = async (app: Application) => {
  const ms: number = (app.get('health' as any) as any)?.checkTimeoutMs ?? 700
  const db = app.get('postgresqlClient')
  const probes: Record<string, () => Promise<unknown>> = {
    database: () => db.raw('select 1'),
    // A database behind the code (migrations not applied, failed, or rolled back) would answer 500s.
    migrations: async () => ((await pendingMigrations(db)).length > 0 ? 'pending' : true)
  }
  const redis = app.get('redis')
  if (redis) probes.redis = () => redis.ping()
  const jobs = app.get('jobRuntime')
  if (jobs) probes.jobs = () => jobs.ping()
  const names = Object.keys(probes)
  const results = await Promise.all(names.map((name) => check(probes[name], ms)))
  const checks: Record<string, string> = Object.fromEntries(names.map((name, i) => [name, results[i]]))
  if (draining.has(app)) checks.shutdown = 'draining'
  return { ready: results.every((value) => value === 'ok') && !draining.has(app), checks }
}

export const health =
  (app: Application): Middleware =>
  async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith('/health/')) return next()
    if (ctx.path === '/health/live') {
      ctx.body = { status: 'ok' }
      return
    }
    if (ctx.path !== '/health/ready') return next()
    const { ready, checks } = await readiness(app)
    ctx.status = ready ? 200 : 503
    ctx.body = { status: ready ? 'ok' : 'unavailable', checks }
  }
