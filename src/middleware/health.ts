// Liveness (the process answers) and readiness (the database, Redis when configured, and the job runtime).
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())
  ])

export const health =
  (app: Application): Middleware =>
  async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith('/health/')) return next()
    if (ctx.path === '/health/live') {
      ctx.body = { status: 'ok' }
      return
    }
    if (ctx.path !== '/health/ready') return next()
    const checks: Record<string, string> = {}
    try {
      await withTimeout(app.get('postgresqlClient').raw('select 1'), 2000)
      checks.database = 'ok'
    } catch {
      checks.database = 'down'
    }
    const redis = app.get('redis')
    if (redis) {
      try {
        await withTimeout(redis.ping(), 2000)
        checks.redis = 'ok'
      } catch {
        checks.redis = 'down'
      }
    }
    const jobs = app.get('jobRuntime')
    if (jobs) {
      try {
        checks.jobs = (await withTimeout(jobs.ping(), 2000)) ? 'ok' : 'down'
      } catch {
        checks.jobs = 'down'
      }
    }
    const ready = Object.values(checks).every((value) => value === 'ok')
    ctx.status = ready ? 200 : 503
    ctx.body = { status: ready ? 'ok' : 'unavailable', checks }
  }
