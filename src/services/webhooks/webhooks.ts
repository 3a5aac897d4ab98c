// Webhooks service: org ADMINs (or API keys with webhooks:manage) register, list, change, rotate and remove their
// org's webhooks. No service events: rows carry targets and, once, a secret.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { requireRole } from '../../hooks/require-role'
import { scopeToOrg } from '../../hooks/scope-to-org'
import { WebhookService, getOptions } from './webhooks.class'
import {
  webhookDataValidator,
  webhookPatchValidator,
  webhookQueryValidator,
  webhookResolver
} from './webhooks.schema'
import { webhookMethods, webhookPath } from './webhooks.shared'

export * from './webhooks.class'
export * from './webhooks.schema'

export const webhook = (app: Application) => {
  const service = new WebhookService(getOptions(app))
  service.app = app
  app.use(webhookPath, service, { methods: webhookMethods, events: [] })

  app.service(webhookPath).hooks({
    around: {
      all: [schemaHooks.resolveResult(webhookResolver)]
    },
    before: {
      // The role check comes before any lookup, so a non-ADMIN learns nothing about which ids exist.
      all: [requireRole('ADMIN'), schemaHooks.validateQuery(webhookQueryValidator), scopeToOrg],
      create: [normalizeText({ description: 'line' }), schemaHooks.validateData(webhookDataValidator)],
      patch: [normalizeText({ description: 'line' }), schemaHooks.validateData(webhookPatchValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [webhookPath]: WebhookService
  }
}
