// Role gate for users; API-key callers are gated by scopes instead (see check-api-key-scope.ts).
import { Forbidden } from '@feathersjs/errors'
import type { Role } from '../auth/principal'
import type { HookContext } from '../declarations'

export const requireRole =
  (...allowed: Role[]) =>
  async (context: HookContext) => {
    const { provider, user, apiKey } = context.params
    // Internal calls are trusted; API keys were already limited to their scopes.
    if (!provider || apiKey) return
    if (!user?.org_id) throw new Forbidden('You are not a member of an organization', { code: 'no_org' })
    if (!allowed.includes(user.role as Role)) {
      throw new Forbidden(`Requires role ${allowed.join(' or ')}`, { code: 'role_required', roles: allowed })
    }
  }
