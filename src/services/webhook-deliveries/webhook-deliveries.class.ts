// Webhook deliveries: read through the Knex adapter (scoped to the caller's org), a test ping (create) and a
// redelivery (patch { redeliver: true }); the deliverer of each process picks both up at once.
import { Conflict, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireOrgId } from '../../auth/principal'
import { notFound } from '../../errors'
import { PING_EVENT } from '../../webhooks/events'
import { webhookWorkerOf } from '../../webhooks/worker'
import type {
  WebhookDelivery,
  WebhookDeliveryData,
  WebhookDeliveryPatch,
  WebhookDeliveryQuery
} from './webhook-deliveries.schema'

export type { WebhookDelivery, WebhookDeliveryData, WebhookDeliveryPatch, WebhookDeliveryQuery }

export interface WebhookDeliveryParams extends KnexAdapterParams<WebhookDeliveryQuery> {}

export class WebhookDeliveryService<ServiceParams extends Params = WebhookDeliveryParams>
  extends KnexService<WebhookDelivery, WebhookDeliveryData, WebhookDeliveryParams, WebhookDeliveryPatch>
  implements
    ServiceInterface<WebhookDelivery, WebhookDeliveryData, WebhookDeliveryParams, WebhookDeliveryPatch>
{
  app!: Application

  override async create(data: any, params: WebhookDeliveryParams = {}): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Ping one webhook at a time')
    const orgId = requireOrgId(params)
    const db = this.Model
    const hook = await db('webhooks').where({ id: data.webhook_id, org_id: orgId }).first('id', 'active')
    if (!hook) throw notFound('Webhook not found')
    if (!hook.active) throw new Conflict('The webhook is not active', { code: 'webhook_inactive' })
    const [row] = await db('webhook_deliveries')
      .insert({
        webhook_id: hook.id,
        org_id: orgId,
        event_id: db.raw('gen_random_uuid()'),
        event_type: PING_EVENT,
        data: JSON.stringify({ webhook_id: hook.id })
      })
      .returning('*')
    webhookWorkerOf(this.app).kick()
    return row
  }

  override async patch(id: NullableId, _data: WebhookDeliveryPatch, params: WebhookDeliveryParams = {}) {
    if (id === null) throw new MethodNotAllowed('Redeliver one delivery at a time')
    // _get applies the org scope from the query: another org's delivery is a 404 like a missing one.
    const current = (await this._get(id as Id, params)) as WebhookDelivery
    const db = this.Model
    const [row] = await db('webhook_deliveries')
      .where({ id: current.id })
      .update({
        status: 'pending',
        attempts: 0,
        next_attempt_at: db.fn.now(),
        retry_from: db.fn.now()
      })
      .returning('*')
    if (!row) throw notFound('Delivery not found')
    webhookWorkerOf(this.app).kick()
    return row
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'webhook_deliveries'
})
