// Koa-level error handler: errors outside services (unknown routes, malformed bodies) get the same JSON shape;
// hostile paths are refused before routing, and a 429 carries Retry-After.
import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Middleware } from '@feathersjs/koa'
import { toFeathersError } from '../errors'

// A segment that decodes to `.`/`..` or holds a separator could only be an attempt to leave the route; a NUL
// can never be a valid id or name. Checked on the raw path, since the router decodes segments itself.
// Feathers' router keeps its routes in plain objects: a segment named like an Object.prototype member would
// be found there and crash the lookup. No service or id is named so.
export const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype))

const checkPath = (path: string) => {
  for (const segment of path.split('/')) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      throw new BadRequest('Malformed path', { code: 'malformed_request' })
    }
    if (decoded.includes('\u0000'))
      throw new BadRequest('Path must not contain NUL characters', { code: 'validation_error' })
    if (
      PROTOTYPE_NAMES.has(decoded) ||
      decoded === '.' ||
      decoded === '..' ||
      (decoded !== segment && /[/\\]/.test(decoded)) ||
      segment.includes('\\')
    )
      throw new NotFound(`Path not found`, { code: 'not_found' })
  }
}

export const errorHandler = (): Middleware => async (ctx, next) => {
  try {
    checkPath(ctx.path)
    await next()
    if (ctx.body === undefined && ctx.status === 404) {
      throw new NotFound(`Path ${ctx.path} not found`, { code: 'not_found' })
    }
  } catch (thrown) {
    const error = toFeathersError(thrown)
    ctx.response.status = error.code
    if (error.code === 429 && typeof error.data?.retryAfter === 'number')
      ctx.set('Retry-After', String(error.data.retryAfter))
    ctx.body = error.toJSON()
  }
}
