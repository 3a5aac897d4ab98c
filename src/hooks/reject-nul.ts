// NUL characters cannot be stored in PostgreSQL text and mean nothing in a chat: any string in the id, the
// query or the data that holds one is refused with 400 validation_error before it reaches a hook or the database.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

const MAX_DEPTH = 32

const hasNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000')
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return false
  if (Array.isArray(value)) return value.some((item) => hasNul(item, depth + 1))
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNul(item, depth + 1))
}

export const rejectNul = async (context: HookContext, next: NextFunction) => {
  if (
    context.params.provider &&
    (hasNul(context.id) || hasNul(context.params.query) || hasNul(context.data))
  ) {
    throw new BadRequest('Text must not contain NUL characters', { code: 'validation_error' })
  }
  await next()
}
