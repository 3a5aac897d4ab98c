// Optional Redis client: present only when REDIS_URL is configured (the embedded default runs without it).
// Redis going away must never take the process down: every client logs its errors and reconnects by itself,
// and a command gives up after a bound (503 `unavailable` to the caller) rather than waiting for Redis.
import Redis from 'ioredis'
import type { RedisOptions } from 'ioredis'
import type { Application } from './declarations'
import { logger } from './logger'

// Bounds for one command and for opening a connection (redisTimeouts.commandTimeoutMs / .connectTimeoutMs).
export const redisOptions = (app: Application): RedisOptions => {
  const own = (app.get('redisTimeouts' as any) as any) ?? {}
  return {
    maxRetriesPerRequest: 2,
    lazyConnect: false,
    connectTimeout: own.connectTimeoutMs ?? 2000,
    commandTimeout: own.commandTimeoutMs ?? 2000,
    // Reconnect quickly at first, then every second at most: a restarted Redis is picked up within a second.
    retryStrategy: (times: number) => Math.min(times * 100, 1000)
  }
}

// Logs a Redis client's errors (an unhandled 'error' event would be printed by ioredis, and a connection
// refused repeats on every retry: logged once per outage).
export const watchRedis = (client: Redis, name: string) => {
  let down = false
  client.on('error', (err) => {
    if (!down) logger.warn({ err, client: name }, 'redis connection error')
    down = true
  })
  client.on('ready', () => {
    if (down) logger.info({ client: name }, 'redis connection back')
    down = false
  })
  return client
}

export const redis = (app: Application) => {
  const url = app.get('redisUrl')
  app.set('redis', url ? watchRedis(new Redis(url, redisOptions(app)), 'main') : null)
}
