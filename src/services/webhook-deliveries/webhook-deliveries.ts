// Webhook deliveries service: org ADMINs (or API keys with webhooks:manage) inspect deliveries (status,
// attempts, last error, response code), redeliver one and send a test ping. Newest first by default.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { requireRole } from '../../hooks/require-role'
import { scopeToOrg } from '../../hooks/scope-to-org'
import { WebhookDeliveryService, getOptions } from './webhook-deliveries.class'
import {
  webhookDeliveryDataValidator,
  webhookDeliveryPatchValidator,
  webhookDeliveryQueryValidator,
  webhookDeliveryResolver
} from './webhook-deliveries.schema'
import { webhookDeliveryMethods, webhookDeliveryPath } from './webhook-deliveries.shared'

export * from './webhook-deliveries.class'
export * from './webhook-deliveries.schema'

const newestFirst = async (context: HookContext) => {
  const query = context.params.query ?? {}
  if (!query.$sort) context.params.query = { ...query, $sort: { created_at: -1, id: -1 } }
}

export const webhookDelivery = (app: Application) => {
  const service = new WebhookDeliveryService(getOptions(app))
  service.app = app
  app.use(webhookDeliveryPath, service, { methods: webhookDeliveryMethods, events: [] })

  app.service(webhookDeliveryPath).hooks({
    around: {
      all: [schemaHooks.resolveResult(webhookDeliveryResolver)]
    },
    before: {
      all: [requireRole('ADMIN'), schemaHooks.validateQuery(webhookDeliveryQueryValidator), scopeToOrg],
      find: [newestFirst],
      create: [schemaHooks.validateData(webhookDeliveryDataValidator)],
      patch: [schemaHooks.validateData(webhookDeliveryPatchValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [webhookDeliveryPath]: WebhookDeliveryService
  }
}
