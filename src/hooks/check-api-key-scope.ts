// Deny by default for API keys: a key may call only the methods that its scopes name in auth/scopes.ts;
// in the services listed in apiKeyActsAsBot the call runs as the key's bot user.
import { Forbidden } from '@feathersjs/errors'
import { assertActive } from '../auth/account-status'
import { apiKeyActsAsBot, apiKeyScopes } from '../auth/scopes'
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
    // In rooms and messages the key is its bot: membership and room policy decide as for anyone else.
    if (apiKeyActsAsBot.includes(context.path)) {
      if (!apiKey.bot) throw new Forbidden('This API key has no bot identity', { code: 'bot_required' })
      // An ADMIN who suspends or bans the bot stops every key acting as it.
      assertActive(apiKey.bot)
      context.params.user = apiKey.bot as any
    }
  }
  await next()
}
