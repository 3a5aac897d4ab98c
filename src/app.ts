// The wiring diagram: configuration, Koa middleware, transports, database, Redis, limits, auth, services,
// channels and the hooks every service shares.
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import helmet from 'koa-helmet'
import { koa, rest, bodyParser, serveStatic, cors } from '@feathersjs/koa'
import socketio from '@feathersjs/socketio'
import type { Application, Configuration } from './declarations'
import { configurationValidator } from './configuration'
import { requestContext } from './middleware/request-context'
import { errorHandler } from './middleware/error-handler'
import { health } from './middleware/health'
import { docs } from './docs/middleware'
import { uploadFiles } from './uploads/middleware'
import { httpMetrics, metrics, metricsEndpoint } from './middleware/metrics'
import { countServiceCalls } from './hooks/metrics'
import { postgresql } from './postgresql'
import { redis } from './redis'
import { rateLimits } from './rate-limits'
import { authentication } from './authentication'
import { services } from './services/index'
import { jobs } from './jobs'
import { outbox } from './outbox'
import { notifications } from './notifications'
import { webhooks } from './webhooks'
import { channels } from './channels'
import { configureSockets } from './realtime/sockets'
import { watchBackpressure } from './realtime/backpressure'
import { allowOrigin, guardSockets } from './realtime/guard'
import { normalizeError } from './hooks/normalize-error'
import { rejectNul } from './hooks/reject-nul'
import { limitRestCalls, limitSocketCalls } from './hooks/limit-calls'
import { validateId } from './hooks/validate-id'
import { requireObjectData } from './hooks/require-object-data'
import { authenticateExternal } from './hooks/authenticate-external'
import { checkApiKeyScope } from './hooks/check-api-key-scope'
import { logger } from './logger'

// Helmet's defaults, with a CSP that lets the landing page run its own inline script and style (by hash).
const securityHeaders = (publicDir: string) => {
  let page = ''
  try {
    page = fs.readFileSync(path.join(publicDir, 'index.html'), 'utf8')
  } catch {
    // No landing page: nothing inline to allow.
  }
  const hashes = (tag: string) =>
    [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
      (m) => `'sha256-${crypto.createHash('sha256').update(m[1]).digest('base64')}'`
    )
  return helmet({
    contentSecurityPolicy: {
      directives: {
        scriptSrc: ["'self'", ...hashes('script')],
        styleSrc: ["'self'", ...hashes('style')],
        // Self-hosters often serve plain http on a LAN address: upgrading its script requests to https would
        // break the page. Behind TLS, HSTS (helmet's default) already keeps browsers on https.
        upgradeInsecureRequests: null
      }
    }
  })
}

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
  app.use(httpMetrics(app))
  app.use(errorHandler())
  app.use(securityHeaders(app.get('public')))
  app.use(
    cors({ origin: (ctx) => (app.get('origins').includes(ctx.get('origin')) ? ctx.get('origin') : '') })
  )
  app.use(health(app))
  app.use(docs(app))
  app.use(metricsEndpoint(app))
  app.use(serveStatic(app.get('public')))
  // Signed local-disk file URLs (PUT/GET /files/<id>): before the body parser, so the upload body streams.
  app.use(uploadFiles(app))
  app.use(bodyParser({ jsonLimit: '1mb' }))
  app.configure(rest())
  app.configure(
    socketio(
      { cors: { origin: app.get('origins') }, maxHttpBufferSize: 1e6, allowRequest: allowOrigin(app) },
      (io) => {
        guardSockets(app)(io)
        configureSockets(app)(io)
        watchBackpressure(app)(io)
      }
    )
  )

  app.configure(postgresql)
  app.configure(redis)
  app.configure(rateLimits)
  app.configure(authentication)
  app.configure(services)
  app.configure(outbox)
  app.configure(notifications)
  app.configure(webhooks)
  app.configure(jobs)
  app.configure(channels)
  app.configure(metrics)

  app.hooks({
    around: {
      all: [
        countServiceCalls,
        normalizeError,
        rejectNul,
        limitSocketCalls,
        authenticateExternal,
        limitRestCalls,
        validateId,
        requireObjectData,
        checkApiKeyScope
      ]
    }
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
