// Push subscriptions: each user registers their devices (browsers) for web push, lists and removes their own.
// A browser profile has one endpoint: registering it again (after a re-login as someone else) moves it to the
// new user, so the previous user's notifications stop appearing on a device they no longer use.
import { BadRequest, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { EndpointRefused, checkEndpoint } from '../../notifications/net-guard'
import { vapidKeysOf } from '../../notifications/vapid'
import type {
  PushSubscription,
  PushSubscriptionData,
  PushSubscriptionPage,
  PushSubscriptionQuery
} from './push-subscriptions.schema'

export type { PushSubscription, PushSubscriptionData, PushSubscriptionPage, PushSubscriptionQuery }
export interface PushSubscriptionParams extends Params<PushSubscriptionQuery> {}

// Devices per user: the oldest registrations beyond this are dropped (each push fans out to all of them).
export const MAX_DEVICES = 10

const notFound = () => new NotFound('Push subscription not found', { code: 'not_found' })

const toSubscription = (row: any): PushSubscription => ({
  id: row.id,
  user_id: row.user_id,
  endpoint: row.endpoint,
  user_agent: row.user_agent ?? null,
  created_at: row.created_at,
  last_success_at: row.last_success_at ?? null
})

const decoded = (value: string) => Buffer.from(value.replace(/=+$/, ''), 'base64url')

export class PushSubscriptionService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: PushSubscriptionParams): Promise<PushSubscriptionPage> {
    const user = requireUser(params)
    const { $limit, $skip = 0 } = params.query ?? {}
    const limit = Math.min($limit ?? MAX_DEVICES, 100)
    const base = this.db('push_subscriptions').where({ user_id: user.id })
    const [{ count }] = await base.clone().count({ count: '*' })
    const rows =
      limit === 0
        ? []
        : await base
            .orderBy([{ column: 'created_at' }, { column: 'id' }])
            .limit(limit)
            .offset($skip)
    const { publicKey } = await vapidKeysOf(this.app)
    return {
      total: Number(count),
      limit,
      skip: $skip,
      data: rows.map(toSubscription),
      vapid_public_key: publicKey
    }
  }

  async get(id: Id, params: PushSubscriptionParams): Promise<PushSubscription> {
    const user = requireUser(params)
    const row = await this.db('push_subscriptions').where({ id, user_id: user.id }).first()
    if (!row) throw notFound()
    return toSubscription(row)
  }

  async create(data: PushSubscriptionData, params: PushSubscriptionParams): Promise<PushSubscription> {
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
    const row = await this.db.transaction(async (trx) => {
      const result = await trx.raw(
        `insert into push_subscriptions (user_id, endpoint, p256dh, auth, user_agent) values (?, ?, ?, ?, ?)
         on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh,
           auth = excluded.auth, user_agent = excluded.user_agent,
           created_at = case when push_subscriptions.user_id = excluded.user_id then push_subscriptions.created_at else now() end
         returning *`,
        [user.id, data.endpoint, data.keys.p256dh, data.keys.auth, userAgent]
      )
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
    return toSubscription(row)
  }

  async remove(id: NullableId, params: PushSubscriptionParams): Promise<PushSubscription> {
    if (id === null) throw new MethodNotAllowed('Remove one device at a time')
    const user = requireUser(params)
    const [row] = await this.db('push_subscriptions').where({ id, user_id: user.id }).del().returning('*')
    if (!row) throw notFound()
    return toSubscription(row)
  }
}
