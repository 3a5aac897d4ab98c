// Push subscriptions: each user registers their devices (browsers) for web push, lists and removes their own.
// A browser profile has one endpoint: registering it again (after a re-login as someone else) moves it to the
// new user, so the previous user's notifications stop appearing on a device they no longer use. Only the same
// subscription moves (same keys): knowing someone's endpoint URL is not enough to take their device away.
import { BadRequest, Conflict, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import { EndpointRefused, checkEndpoint } from '../../notifications/net-guard'
import { vapidKeysOf } from '../../notifications/vapid'
import type {
  PushSubscription,
  PushSubscriptionData,
  PushSubscriptionPage,
  PushSubscriptionQuery
} from './push-subscriptions.schema'

export type { PushSubscription, PushSubscriptionData, PushSubscriptionPage, PushSubscriptionQuery }
export interface PushSubscriptionParams extends KnexAdapterParams<PushSubscriptionQuery> {}

// Devices per user: the oldest registrations beyond this are dropped (each push fans out to all of them).
export const MAX_DEVICES = 10

const subscriptionNotFound = () => notFound('Push subscription not found')

const decoded = (value: string) => Buffer.from(value.replace(/=+$/, ''), 'base64url')

export class PushSubscriptionService
  extends KnexService<PushSubscription, PushSubscriptionData, PushSubscriptionParams>
  implements ServiceInterface<PushSubscription, PushSubscriptionData, PushSubscriptionParams>
{
  app!: Application

  // My devices, oldest first; the keys are dropped by pushSubscriptionResolver.
  private mine(params: PushSubscriptionParams) {
    const user = requireUser(params)
    return this.createQuery({
      ...params,
      query: { ...params.query, $sort: { created_at: 1, id: 1 } }
    } as PushSubscriptionParams).where('push_subscriptions.user_id', user.id)
  }

  // The page also carries the VAPID public key a browser needs to subscribe.
  override async find(
    params?: PushSubscriptionParams & { paginate?: PaginationOptions }
  ): Promise<PushSubscriptionPage>
  override async find(params?: PushSubscriptionParams & { paginate: false }): Promise<PushSubscription[]>
  override async find(params?: PushSubscriptionParams): Promise<PushSubscriptionPage | PushSubscription[]>
  override async find(
    params: PushSubscriptionParams = {}
  ): Promise<PushSubscriptionPage | PushSubscription[]> {
    const result = await this._find({ ...params, knex: this.mine(params) })
    if (Array.isArray(result)) return result
    const { publicKey } = await vapidKeysOf(this.app)
    return { ...result, vapid_public_key: publicKey }
  }

  override async get(id: Id, params: PushSubscriptionParams = {}): Promise<PushSubscription> {
    const [row] = await this.mine({ ...params, query: {} }).where('push_subscriptions.id', id)
    if (!row) throw subscriptionNotFound()
    return row
  }

  override async create(
    data: PushSubscriptionData,
    params?: PushSubscriptionParams
  ): Promise<PushSubscription>
  override async create(
    data: PushSubscriptionData[],
    params?: PushSubscriptionParams
  ): Promise<PushSubscription[]>
  override async create(data: any, params: PushSubscriptionParams = {}): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Register one device at a time')
    const user = requireUser(params)
    try {
      checkEndpoint(data.endpoint, this.app.get('notifications').push.allowPrivateEndpoints)
    } catch (error) {
      if (error instanceof EndpointRefused)
        throw new BadRequest(error.message, { code: 'endpoint_not_allowed' })
      throw error
    }
    const p256dh = decoded(data.keys.p256dh)
    if (p256dh.length !== 65 || p256dh[0] !== 4) {
      throw new BadRequest('keys.p256dh must be an uncompressed P-256 public key', {
        code: 'invalid_subscription'
      })
    }
    if (decoded(data.keys.auth).length !== 16) {
      throw new BadRequest('keys.auth must be 16 bytes', { code: 'invalid_subscription' })
    }
    const agent = params.headers?.['user-agent']
    const userAgent = typeof agent === 'string' ? agent.slice(0, 300) : null
    const row = await this.Model.transaction(async (trx) => {
      const result = await trx.raw(
        `insert into push_subscriptions (user_id, endpoint, p256dh, auth, user_agent) values (?, ?, ?, ?, ?)
         on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh,
           auth = excluded.auth, user_agent = excluded.user_agent,
           created_at = case when push_subscriptions.user_id = excluded.user_id then push_subscriptions.created_at else now() end
         where push_subscriptions.user_id = excluded.user_id
           or (rtrim(push_subscriptions.p256dh, '=') = rtrim(excluded.p256dh, '=')
             and rtrim(push_subscriptions.auth, '=') = rtrim(excluded.auth, '='))
         returning *`,
        [user.id, data.endpoint, data.keys.p256dh, data.keys.auth, userAgent]
      )
      // Another user's device with other keys: not the browser that holds it (its keys are its own secret).
      if (result.rows.length === 0) {
        throw new Conflict('This endpoint is registered with other keys', { code: 'endpoint_taken' })
      }
      // Keep the newest MAX_DEVICES of this user's devices.
      await trx('push_subscriptions')
        .where({ user_id: user.id })
        .whereNotIn(
          'id',
          trx('push_subscriptions')
            .where({ user_id: user.id })
            .orderBy('created_at', 'desc')
            .limit(MAX_DEVICES)
            .select('id')
        )
        .del()
      return result.rows[0]
    })
    return row
  }

  override async remove(id: Id, params?: PushSubscriptionParams): Promise<PushSubscription>
  override async remove(id: null, params?: PushSubscriptionParams): Promise<PushSubscription[]>
  override async remove(id: NullableId, params: PushSubscriptionParams = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Remove one device at a time')
    const user = requireUser(params)
    const [row] = await this.Model('push_subscriptions').where({ id, user_id: user.id }).del().returning('*')
    if (!row) throw subscriptionNotFound()
    return row
  }
}

// 25 to a page like every find, which holds every device a user may have (MAX_DEVICES).
export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: { default: 25, max: 100 },
  Model: app.get('postgresqlClient'),
  name: 'push_subscriptions'
})
