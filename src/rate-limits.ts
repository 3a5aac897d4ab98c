// Rate limiters from rate-limiter-flexible: Redis-backed across processes when configured, else in memory.
// A library rather than hand-written counters: it handles atomic Redis scripts, expiry and blocking for us.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import { TooManyRequests } from '@feathersjs/errors'
import type { Application } from './declarations'
import { deploymentKey } from './realtime/deployment-key'

export interface Limiters {
  loginEmail: RateLimiterAbstract
  loginIp: RateLimiterAbstract
}

const create = (
  app: Application,
  keyPrefix: string,
  points: number,
  duration: number
): RateLimiterAbstract => {
  const redis = app.get('redis')
  return redis
    ? new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `rl:${deploymentKey(app)}:${keyPrefix}`,
        points,
        duration
      })
    : new RateLimiterMemory({ keyPrefix, points, duration })
}

export const rateLimits = (app: Application) => {
  const limits = app.get('limits')
  app.set('limiters', {
    loginEmail: create(app, 'login-email', limits.loginPerEmail, limits.loginWindowSeconds),
    loginIp: create(app, 'login-ip', limits.loginPerIp, limits.loginWindowSeconds)
  })
}

// Consumes one point; turns the library's rejection into a 429 with a stable code.
export const consume = async (limiter: RateLimiterAbstract, key: string, what: string) => {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const retryAfter = Math.ceil(error.msBeforeNext / 1000)
      throw new TooManyRequests(`Too many ${what}; try again in ${retryAfter}s`, {
        code: 'rate_limited',
        retryAfter
      })
    }
    throw error
  }
}
