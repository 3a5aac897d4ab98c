// Client-side registration of the webhooks service (type-only imports keep server code out of the client).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Webhook, WebhookData, WebhookPatch, WebhookQuery, WebhookService } from './webhooks.class'

export type { Webhook, WebhookData, WebhookPatch, WebhookQuery }

export type WebhookClientService = Pick<WebhookService<Params<WebhookQuery>>, (typeof webhookMethods)[number]>

export const webhookPath = 'webhooks'

export const webhookMethods: Array<keyof WebhookService> = ['find', 'get', 'create', 'patch', 'remove']

export const webhookClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(webhookPath, connection.service(webhookPath), { methods: webhookMethods })
}

declare module '../../client' {
  interface ServiceTypes {
    [webhookPath]: WebhookClientService
  }
}
