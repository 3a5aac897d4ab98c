// Koa-level error handler: errors outside services (unknown routes, malformed bodies) get the same JSON shape.
import { NotFound } from '@feathersjs/errors'
import type { Middleware } from '@feathersjs/koa'
import { toFeathersError } from '../errors'

export const errorHandler = (): Middleware => async (ctx, next) => {
  try {
    await next()
    if (ctx.body === undefined && ctx.status === 404) {
      throw new NotFound(`Path ${ctx.path} not found`, { code: 'not_found' })
    }
  } catch (thrown) {
    const error = toFeathersError(thrown)
    ctx.response.status = error.code
    ctx.body = error.toJSON()
  }
}
