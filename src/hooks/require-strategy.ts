// Logging in names a strategy: anything but a non-empty string is a malformed request (400), never a crash
// inside the authentication service.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'

export const requireStrategy = async (context: HookContext) => {
  const strategy = (context.data as { strategy?: unknown } | undefined)?.strategy
  if (typeof strategy !== 'string' || strategy.length === 0 || strategy.length > 64) {
    throw new BadRequest('Give a strategy: local, jwt, refresh or an OAuth provider', {
      code: 'validation_error'
    })
  }
}
