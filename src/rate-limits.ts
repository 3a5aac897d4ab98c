// Rate limiters from rate-limiter-flexible: Redis-backed across processes when configured, else in memory.
// A library rather than hand-written counters: it handles atomic Redis scripts, expiry and blocking for us.
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import { TooManyRequests } from '@feathersjs/errors'
import type { Application } from './declarations'
import { deploymentKey } from './realtime/deployment-key'
import { rateLimitRejections } from './metrics'

type Limiter = RateLimiterAbstract | BurstyRateLimiter

export interface Limiters {
  // Failed password logins per email+IP and per IP (a successful login spends nothing).
  loginEmail: RateLimiterAbstract
  loginIp: RateLimiterAbstract
  // External REST calls per user, per API key, and per IP when anonymous.
  restUser: RateLimiterAbstract
  restApiKey: RateLimiterAbstract
  restAnonymous: RateLimiterAbstract
  // Requests to signed /files URLs per client IP (Koa middleware, before any service and its budgets).
  files: RateLimiterAbstract
  registrations: RateLimiterAbstract
  socketConnections: RateLimiterAbstract
  // Per connection, so they live in the process holding the socket (memory): Redis would add a round trip
  // per call for a key no other process ever sees.
  socketSends: BurstyRateLimiter
  socketCalls: RateLimiterAbstract
}

const create = (
  app: Application,
  keyPrefix: string,
  points: number,
  duration: number,
  shared = true
): RateLimiterAbstract => {
  const redis = shared ? app.get('redis') : null
  const memory = new RateLimiterMemory({ keyPrefix, points, duration })
  // While Redis is down or not ready, counting falls back at once to this process's memory (per-process
  // budgets) instead of waiting on the offline queue: a Redis outage must not stall or refuse calls.
  return redis
    ? new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `rl:${deploymentKey(app)}:${keyPrefix}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory
      })
    : memory
}

export const rateLimits = (app: Application) => {
  const l = app.get('limits')
  const limiters: Limiters = {
    loginEmail: create(app, 'login-email', l.loginPerEmail, l.loginWindowSeconds),
    loginIp: create(app, 'login-ip', l.loginPerIp, l.loginWindowSeconds),
    restUser: create(app, 'rest-user', l.restPerMinute, 60),
    restApiKey: create(app, 'rest-key', l.restPerMinuteApiKey, 60),
    restAnonymous: create(app, 'rest-ip', l.restPerMinuteAnonymous, 60),
    files: create(app, 'files-ip', l.filesPerMinute, 60),
    registrations: create(app, 'register-ip', l.registrationsPerIp, l.registrationWindowSeconds),
    socketConnections: create(app, 'socket-ip', l.socketConnectionsPerMinute, 60),
    // 20 a second, and on top a burst allowance refilled over socketSendBurstSeconds.
    socketSends: new BurstyRateLimiter(
      create(app, 'socket-sends', l.socketSendsPerSecond, 1, false),
      create(app, 'socket-burst', l.socketSendBurst, l.socketSendBurstSeconds, false)
    ),
    socketCalls: create(app, 'socket-calls', l.socketCallsPerWindow, l.socketCallsWindowSeconds, false)
  }
  app.set('limiters', limiters)
}

export const tooMany = (msBeforeNext: number, what: string) => {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000))
  return new TooManyRequests(`Too many ${what}; try again in ${retryAfter}s`, {
    code: 'rate_limited',
    retryAfter
  })
}

// The limiter's own name for rate_limit_rejections_total{limit}: its key prefix without the deployment part
// (a bursty limiter is named by its steady one), e.g. rest-user, socket-sends, login-ip.
export const limitName = (limiter: Limiter): string => {
  const prefix = String((limiter as any).keyPrefix ?? (limiter as any)._rateLimiter?.keyPrefix ?? 'unknown')
  return prefix.slice(prefix.lastIndexOf(':') + 1)
}

// Consumes one point; turns the library's rejection into a 429 with a stable code.
export const consume = async (limiter: Limiter, key: string, what: string) => {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      rateLimitRejections.inc({ limit: limitName(limiter) })
      throw tooMany(error.msBeforeNext, what)
    }
    throw error
  }
}

// Refuses when the key has already spent its budget, without spending anything (failed-login budgets).
export const assertUnder = async (limiter: RateLimiterAbstract, key: string, what: string) => {
  const res = await limiter.get(key)
  if (res && res.consumedPoints >= limiter.points) {
    rateLimitRejections.inc({ limit: limitName(limiter) })
    throw tooMany(res.msBeforeNext, what)
  }
}

// Spends one point after the fact; being over by then changes nothing for the answer already decided.
export const penalize = async (limiter: RateLimiterAbstract, key: string) => {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error
  }
}
