// Notifications: each user lists, reads (one or all) and dismisses their own; nobody sees anyone else's (404).
// They are created from the outbox (src/notifications/outbox-handlers.ts), never through this API.
import type { Id, NullableId, Paginated, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import { notificationKeys, toSeq } from './notifications.schema'
import type {
  Notification,
  NotificationPage,
  NotificationPatch,
  NotificationQuery
} from './notifications.schema'

export type { Notification, NotificationPage, NotificationPatch, NotificationQuery }
export interface NotificationParams extends KnexAdapterParams<NotificationQuery> {}

const notificationNotFound = () => notFound('Notification not found')

// For the outbox handlers, which emit rows they inserted themselves (no hook, so no resolver): the same conversions
// as notificationResolver.
export const toNotification = (row: any): Notification =>
  ({
    ...Object.fromEntries(notificationKeys.map((key) => [key, row[key] ?? null])),
    message_seq: toSeq(row.message_seq),
    payload: row.payload ?? {},
    read: !!row.read_at
  }) as Notification

export class NotificationService
  extends KnexService<Notification, never, NotificationParams, NotificationPatch>
  implements ServiceInterface<Notification, never, NotificationParams, NotificationPatch>
{
  // The caller's notifications matching the query filters (never anyone else's), newest first. `read` is no
  // column: it means read_at set or not.
  private mine(params: NotificationParams) {
    const user = requireUser(params)
    const { read, ...query } = params.query ?? {}
    const builder = this.createQuery({
      ...params,
      query: { ...query, $sort: { created_at: -1, id: -1 } }
    } as NotificationParams)
    builder.where('notifications.user_id', user.id)
    if (read === true) builder.whereNotNull('notifications.read_at')
    if (read === false) builder.whereNull('notifications.read_at')
    return builder
  }

  override async find(
    params?: NotificationParams & { paginate?: PaginationOptions }
  ): Promise<Paginated<Notification>>
  override async find(params?: NotificationParams & { paginate: false }): Promise<Notification[]>
  override async find(params?: NotificationParams): Promise<Paginated<Notification> | Notification[]>
  override async find(params: NotificationParams = {}): Promise<Paginated<Notification> | Notification[]> {
    return this._find({ ...params, knex: this.mine(params) })
  }

  override async get(id: Id, params: NotificationParams): Promise<Notification> {
    const [row] = await this.mine({ ...params, query: {} }).where('notifications.id', id)
    if (!row) throw notificationNotFound()
    return row
  }

  // With an id: that notification. Without: every notification of mine matching the query that changes
  // (only those are returned, and announced).
  override async patch(id: Id, data: NotificationPatch, params: NotificationParams): Promise<Notification>
  override async patch(id: null, data: NotificationPatch, params: NotificationParams): Promise<Notification[]>
  override async patch(id: NullableId, data: NotificationPatch, params: NotificationParams): Promise<any> {
    const user = requireUser(params)
    const db = this.Model
    const own = () => db('notifications').where({ user_id: user.id })
    if (id !== null) {
      const [row] = await own()
        .where({ id })
        // An already read notification keeps the time it was first read.
        .update({ read_at: data.read ? db.raw('coalesce(read_at, now())') : null })
        .returning('*')
      if (!row) throw notificationNotFound()
      return row
    }
    const changing = this.mine(params).clearSelect().clearOrder().select('notifications.id')
    if (data.read) changing.whereNull('notifications.read_at')
    else changing.whereNotNull('notifications.read_at')
    return own()
      .whereIn('id', changing)
      .update({ read_at: data.read ? db.fn.now() : null })
      .returning('*')
  }

  override async remove(id: Id, params?: NotificationParams): Promise<Notification>
  override async remove(id: null, params?: NotificationParams): Promise<Notification[]>
  override async remove(id: NullableId, params: NotificationParams = {}): Promise<any> {
    const user = requireUser(params)
    if (id === null) throw notificationNotFound()
    const [row] = await this.Model('notifications').where({ id, user_id: user.id }).del().returning('*')
    if (!row) throw notificationNotFound()
    return row
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'notifications'
})
