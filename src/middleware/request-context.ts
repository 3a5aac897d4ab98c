// Per-request id, client IP and one JSON log line (user, org, method, path, status, latency) per request.
import crypto from 'node:crypto'
import type { Middleware } from '@feathersjs/koa'
import { logger } from '../logger'
import { clientIp } from '../client-ip'

export const requestContext = (): Middleware => async (ctx, next) => {
  const started = process.hrtime.bigint()
  const incoming = ctx.get('x-request-id')
  const requestId = /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID()
  ctx.set('X-Request-Id', requestId)
  ctx.feathers = {
    ...ctx.feathers,
    requestId,
    ip: clientIp(ctx.app, ctx.req.headers, ctx.req.socket.remoteAddress)
  }
  try {
    await next()
  } finally {
    const params = (ctx as any).hook?.params ?? {}
    const line = {
      requestId,
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
      user: params.user?.id,
      org: params.user?.org_id ?? params.apiKey?.org_id,
      apiKey: params.apiKey?.id
    }
    if (ctx.status >= 500) logger.error(line, 'request')
    else logger.info(line, 'request')
  }
}
