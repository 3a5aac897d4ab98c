// Webhooks: create generates the signing secret (shown once), patch changes the target, events or state and
// rotates the secret, remove deletes the webhook and its deliveries. Each write is audited in its transaction.
import { BadRequest, Conflict, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { recordAudit } from '../../audit'
import { requireOrgId } from '../../auth/principal'
import { EndpointRefused, checkEndpoint } from '../../notifications/net-guard'
import { generateSecret } from '../../webhooks/sign'
import { webhookWorkerOf } from '../../webhooks/worker'
import type { WebhookSettings } from '../../webhooks/worker'
import type { Webhook, WebhookData, WebhookPatch, WebhookQuery } from './webhooks.schema'

export type { Webhook, WebhookData, WebhookPatch, WebhookQuery }

export interface WebhookParams extends KnexAdapterParams<WebhookQuery> {}

// Literal private addresses and localhost are refused here; names are checked again at every connection.
export const checkTarget = (url: string, settings: WebhookSettings) => {
  try {
    checkEndpoint(url, settings.allowPrivateTargets)
  } catch (error) {
    if (error instanceof EndpointRefused) throw new BadRequest(error.message, { code: 'target_not_allowed' })
    throw error
  }
}

export class WebhookService<ServiceParams extends Params = WebhookParams>
  extends KnexService<Webhook, WebhookData, WebhookParams, WebhookPatch>
  implements ServiceInterface<Webhook, WebhookData, WebhookParams, WebhookPatch>
{
  app!: Application

  private get settings() {
    return this.app.get('webhooks') as WebhookSettings
  }

  override async create(data: any, params: WebhookParams = {}): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Create one webhook at a time')
    const orgId = requireOrgId(params)
    const actorId = params.user?.id ?? null
    checkTarget(data.url, this.settings)
    const row = await this.Model.transaction(async (trx) => {
      // The org row serializes concurrent creates, so the per-org limit holds.
      await trx('orgs').where({ id: orgId }).forUpdate().first('id')
      const count = await trx('webhooks').where({ org_id: orgId }).count({ n: '*' }).first()
      if (Number(count?.n ?? 0) >= this.settings.maxPerOrg) {
        throw new Conflict(`At most ${this.settings.maxPerOrg} webhooks per organization`, {
          code: 'webhook_limit'
        })
      }
      const [inserted] = await trx('webhooks')
        .insert({
          org_id: orgId,
          url: data.url,
          events: data.events,
          active: data.active ?? true,
          description: data.description ?? '',
          secret: generateSecret(),
          created_by: actorId
        })
        .returning('*')
      await recordAudit(trx, {
        org_id: orgId,
        actor_id: actorId,
        action: 'webhook.created',
        target: inserted.id,
        meta: { url: inserted.url, events: inserted.events, api_key_id: params.apiKey?.id ?? null },
        ip: params.ip
      })
      return inserted
    })
    // The one time the secret is shown (see webhookResolver).
    params.revealSecret = true
    return row
  }

  override async patch(id: NullableId, data: WebhookPatch, params: WebhookParams = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Patch one webhook at a time')
    if (data.url !== undefined) checkTarget(data.url, this.settings)
    const { rotate_secret: rotate, ...fields } = data
    const row = await this.Model.transaction(async (trx) => {
      // _get applies the org scope from the query: another org's webhook is a 404 like a missing one.
      const current = (await this._get(id as Id, { ...params, transaction: { trx } } as any)) as Webhook
      const changes: Record<string, unknown> = { ...fields, updated_at: trx.fn.now() }
      // Turned on again (or off by a person): a fresh start, no automatic reason.
      if (fields.active !== undefined) Object.assign(changes, { dead_streak: 0, disabled_reason: null })
      if (rotate) {
        const previous = await trx('webhooks').where({ id: current.id }).first('secret')
        Object.assign(changes, {
          secret: generateSecret(),
          previous_secret: previous.secret,
          previous_secret_expires_at: trx.raw(`now() + (? * interval '1 millisecond')`, [
            this.settings.secretOverlapMs
          ])
        })
      }
      const [updated] = await trx('webhooks').where({ id: current.id }).update(changes).returning('*')
      await recordAudit(trx, {
        org_id: updated.org_id,
        actor_id: params.user?.id ?? null,
        action: rotate ? 'webhook.secret_rotated' : 'webhook.updated',
        target: updated.id,
        meta: { url: updated.url, changed: Object.keys(data), api_key_id: params.apiKey?.id ?? null },
        ip: params.ip
      })
      return updated
    })
    if (rotate) params.revealSecret = true
    if (row.active) webhookWorkerOf(this.app).kick()
    return row
  }

  override async remove(id: NullableId, params: WebhookParams = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Remove one webhook at a time')
    return this.Model.transaction(async (trx) => {
      const current = (await this._get(id as Id, { ...params, transaction: { trx } } as any)) as Webhook
      await trx('webhooks').where({ id: current.id }).del()
      await recordAudit(trx, {
        org_id: current.org_id,
        actor_id: params.user?.id ?? null,
        action: 'webhook.removed',
        target: current.id,
        meta: { url: current.url, api_key_id: params.apiKey?.id ?? null },
        ip: params.ip
      })
      return current
    })
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'webhooks'
})
