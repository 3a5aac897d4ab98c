// Around hook for every service: whatever a method throws leaves as a Feathers error with a stable data.code.
import { toFeathersError } from '../errors'
import type { HookContext, NextFunction } from '../declarations'

export const normalizeError = async (_context: HookContext, next: NextFunction) => {
  try {
    await next()
  } catch (error) {
    throw toFeathersError(error)
  }
}
