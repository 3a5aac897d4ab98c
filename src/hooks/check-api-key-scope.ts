// Deny by default for API keys: a key may call only the methods that its scopes name in auth/scopes.ts.
import { Forbidden } from '@feathersjs/errors'
import { apiKeyScopes } from '../auth/scopes'
import type { HookContext, NextFunction } from '../declarations'

export const checkApiKeyScope = async (context: HookContext, next: NextFunction) => {
  const { apiKey, provider } = context.params
  if (apiKey && provider) {
    const needed = apiKeyScopes[context.path]?.[context.method]
    if (!needed) {
      throw new Forbidden(`API keys cannot call ${context.path}.${context.method}`, { code: 'scope_missing' })
    }
    if (!apiKey.scopes.includes(needed)) {
      throw new Forbidden(`This API key lacks the scope ${needed}`, { code: 'scope_missing', scope: needed })
    }
  }
  await next()
}
