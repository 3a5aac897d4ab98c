// NUL characters cannot be stored in PostgreSQL text and mean nothing in a chat. In the id, the query and any
// key they are refused (400 validation_error) before a hook or the database sees them; in data values they are
// stripped, as the services' text normalization always did, except in credentials (the authentication
// service, and password/email/token fields), where altering the value would change what is being proven.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

const MAX_DEPTH = 32
const CREDENTIAL = /password|email|token|secret|key$/i

const refuse = () => new BadRequest('Text must not contain NUL characters', { code: 'validation_error' })

const hasNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000')
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return false
  if (Array.isArray(value)) return value.some((item) => hasNul(item, depth + 1))
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNul(item, depth + 1))
}

// Returns the value with NULs stripped from strings; throws for NUL in keys or in credential fields.
const clean = (value: unknown, strict: boolean, depth = 0): unknown => {
  if (typeof value === 'string') {
    if (!value.includes('\u0000')) return value
    if (strict) throw refuse()
    return value.replace(/\u0000/g, '')
  }
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return value
  if (Array.isArray(value)) return value.map((item) => clean(item, strict, depth + 1))
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) throw refuse()
    out[key] = clean(item, strict || CREDENTIAL.test(key), depth + 1)
  }
  return out
}

export const rejectNul = async (context: HookContext, next: NextFunction) => {
  if (context.params.provider) {
    if (hasNul(context.id) || hasNul(context.params.query)) throw refuse()
    if (hasNul(context.data)) context.data = clean(context.data, context.path === 'authentication')
  }
  await next()
}
