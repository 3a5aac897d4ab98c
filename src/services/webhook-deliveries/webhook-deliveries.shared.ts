// Client-side registration of the webhook-deliveries service (type-only imports keep server code out of the client).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type {
  WebhookDelivery,
  WebhookDeliveryData,
  WebhookDeliveryPatch,
  WebhookDeliveryQuery,
  WebhookDeliveryService
} from './webhook-deliveries.class'

export type { WebhookDelivery, WebhookDeliveryData, WebhookDeliveryPatch, WebhookDeliveryQuery }

export type WebhookDeliveryClientService = Pick<
  WebhookDeliveryService<Params<WebhookDeliveryQuery>>,
  (typeof webhookDeliveryMethods)[number]
>

export const webhookDeliveryPath = 'webhook-deliveries'

export const webhookDeliveryMethods: Array<keyof WebhookDeliveryService> = ['find', 'get', 'create', 'patch']

export const webhookDeliveryClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(webhookDeliveryPath, connection.service(webhookDeliveryPath), {
    methods: webhookDeliveryMethods
  })
}

declare module '../../client' {
  interface ServiceTypes {
    [webhookDeliveryPath]: WebhookDeliveryClientService
  }
}
