// Liveness (the process answers) and readiness (the database, Redis when configured, and the job runtime).
// Readiness runs its checks in parallel, each bounded (health.checkTimeoutMs, default 700 ms), so it answers
// within a second even when a dependency hangs (a paused Redis, a database behind a dead network), and names
// each dependency with `ok` or `down`.
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'

const withTimeout = <T>(promise: Promise<T>, ms: number) => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

const check = async (probe: () => Promise<unknown>, ms: number) => {
  try {
    return (await withTimeout(probe(), ms)) === false ? 'down' : 'ok'
  } catch {
    return 'down'
  }
}

export const readiness = async (app: Application) => {
  const ms: number = (app.get('health' as any) as any)?.checkTimeoutMs ?? 700
  const probes: Record<string, () => Promise<unknown>> = {
    database: () => app.get('postgresqlClient').raw('select 1')
  }
  const redis = app.get('redis')
  if (redis) probes.redis = () => redis.ping()
  const jobs = app.get('jobRuntime')
  if (jobs) probes.jobs = () => jobs.ping()
  const names = Object.keys(probes)
  const results = await Promise.all(names.map((name) => check(probes[name], ms)))
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]))
  return { ready: results.every((value) => value === 'ok'), checks }
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
