// API keys service: org ADMINs create, list and revoke their org's keys; API keys themselves never manage keys.
import { Forbidden } from '@feathersjs/errors'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { requireRole } from '../../hooks/require-role'
import { scopeToOrg } from '../../hooks/scope-to-org'
import { ApiKeyService, getOptions } from './api-keys.class'
import {
  apiKeyDataValidator,
  apiKeyExternalResolver,
  apiKeyQueryValidator,
  apiKeyResolver
} from './api-keys.schema'
import { apiKeyMethods, apiKeyPath } from './api-keys.shared'

export * from './api-keys.class'
export * from './api-keys.schema'

// auth/scopes.ts already gives API keys no scope for this service; this guard keeps it so even if a scope
// were added there by mistake, because a leaked key must never be able to mint or revoke keys.
const denyApiKeys = async (context: HookContext) => {
  if (context.params.apiKey) {
    throw new Forbidden('API keys cannot manage API keys', { code: 'scope_missing' })
  }
}

export const apiKey = (app: Application) => {
  const service = new ApiKeyService(getOptions(app))
  service.app = app
  // No events: a key row is admin-only data and nothing needs it live.
  app.use(apiKeyPath, service, { methods: apiKeyMethods, events: [] })

  app.service(apiKeyPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(apiKeyExternalResolver), schemaHooks.resolveResult(apiKeyResolver)]
    },
    before: {
      // The role check comes before any lookup, so a non-ADMIN learns nothing about which ids exist.
      all: [denyApiKeys, requireRole('ADMIN'), schemaHooks.validateQuery(apiKeyQueryValidator), scopeToOrg],
      create: [
        normalizeText({ name: 'line', bot_name: 'line' }),
        schemaHooks.validateData(apiKeyDataValidator)
      ]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [apiKeyPath]: ApiKeyService
  }
}
