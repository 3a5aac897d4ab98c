// Optional Redis client: present only when REDIS_URL is configured (the embedded default runs without it).
import Redis from 'ioredis'
import type { Application } from './declarations'

export const redis = (app: Application) => {
  const url = app.get('redisUrl')
  app.set('redis', url ? new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false }) : null)
}
