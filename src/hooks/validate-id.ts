// Ids are UUIDs: a malformed id answers exactly like an id that does not exist (404), never a database error.
import { notFound } from '../errors'
import type { HookContext, NextFunction } from '../declarations'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value)

// Services whose ids are not UUIDs (the authentication service takes an access token as id).
const OTHER_IDS = new Set(['authentication', 'oauth/:provider'])

export const validateId = async (context: HookContext, next: NextFunction) => {
  if (
    !OTHER_IDS.has(context.path) &&
    context.id !== undefined &&
    context.id !== null &&
    !isUuid(context.id)
  ) {
    throw notFound(`No record found for id '${String(context.id).slice(0, 64)}'`)
  }
  await next()
}
