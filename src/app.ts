// The wiring diagram: configuration, Koa middleware, transports, database, Redis, limits, auth, services,
// channels and the hooks every service shares.
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { koa, rest, bodyParser, serveStatic, cors } from '@feathersjs/koa'
import socketio from '@feathersjs/socketio'
import type { Application, Configuration } from './declarations'
import { configurationValidator } from './configuration'
import { requestContext } from './middleware/request-context'
import { errorHandler } from './middleware/error-handler'
import { health } from './middleware/health'
import { postgresql } from './postgresql'
import { redis } from './redis'
import { rateLimits } from './rate-limits'
import { authentication } from './authentication'
import { services } from './services/index'
import { jobs } from './jobs'
import { outbox } from './outbox'
import { notifications } from './notifications'
import { channels } from './channels'
import { configureSockets } from './realtime/sockets'
import { watchBackpressure } from './realtime/backpressure'
import { normalizeError } from './hooks/normalize-error'
import { validateId } from './hooks/validate-id'
import { requireObjectData } from './hooks/require-object-data'
import { authenticateExternal } from './hooks/authenticate-external'
import { checkApiKeyScope } from './hooks/check-api-key-scope'
import { logger } from './logger'

export const createApp = (overrides: Partial<Configuration> = {}): Application => {
  const app: Application = koa(feathers())
  app.configure(configuration(configurationValidator))
  for (const [key, value] of Object.entries(overrides)) app.set(key as any, value)
  logger.level = app.get('logLevel')
  app.proxy = app.get('trustProxy')
  // Koa reports stream errors of responses here; a client closing early is not our failure.
  app.on('error', (error: any) => {
    if (
      error?.code === 'ERR_STREAM_PREMATURE_CLOSE' ||
      error?.code === 'ECONNRESET' ||
      error?.code === 'EPIPE'
    )
      return
    logger.error({ err: error }, 'koa error')
  })

  app.use(requestContext())
  app.use(errorHandler())
  app.use(
    cors({ origin: (ctx) => (app.get('origins').includes(ctx.get('origin')) ? ctx.get('origin') : '') })
  )
  app.use(health(app))
  app.use(serveStatic(app.get('public')))
  app.use(bodyParser({ jsonLimit: '1mb' }))
  app.configure(rest())
  app.configure(
    socketio({ cors: { origin: app.get('origins') }, maxHttpBufferSize: 1e6 }, (io) => {
      configureSockets(app)(io)
      watchBackpressure(app)(io)
    })
  )

  app.configure(postgresql)
  app.configure(redis)
  app.configure(rateLimits)
  app.configure(authentication)
  app.configure(services)
  app.configure(outbox)
  app.configure(notifications)
  app.configure(jobs)
  app.configure(channels)

  app.hooks({
    around: { all: [normalizeError, authenticateExternal, validateId, requireObjectData, checkApiKeyScope] }
  })
  app.hooks({
    teardown: [
      async (_context: any, next: () => Promise<void>) => {
        await next()
        for (const client of [
          app.get('redis'),
          ...((app.get('redisAdapterClients' as any) as any[]) ?? [])
        ]) {
          client?.disconnect()
        }
        await app.get('postgresqlClient').destroy()
      }
    ]
  })
  return app
}
