// Notifications: each user lists, reads (one or all) and dismisses their own; nobody sees anyone else's (404).
// They are created by the triggers in src/notifications, never through this API.
import { NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import type {
  Notification,
  NotificationPage,
  NotificationPatch,
  NotificationQuery
} from './notifications.schema'

export type { Notification, NotificationPage, NotificationPatch, NotificationQuery }
export interface NotificationParams extends Params<NotificationQuery> {}

const notFound = () => new NotFound('Notification not found', { code: 'not_found' })

export const toNotification = (row: any): Notification => ({
  id: row.id,
  org_id: row.org_id,
  user_id: row.user_id,
  type: row.type,
  actor_id: row.actor_id ?? null,
  room_id: row.room_id ?? null,
  message_id: row.message_id ?? null,
  message_seq: row.message_seq === null || row.message_seq === undefined ? null : Number(row.message_seq),
  friendship_id: row.friendship_id ?? null,
  payload: row.payload ?? {},
  read: !!row.read_at,
  read_at: row.read_at ?? null,
  emailed_at: row.emailed_at ?? null,
  pushed_at: row.pushed_at ?? null,
  created_at: row.created_at
})

export class NotificationService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  // The caller's notifications matching the query filters (never anyone else's).
  private mine(userId: string, query: NotificationQuery = {}) {
    const q = this.db('notifications').where({ user_id: userId })
    if (query.read === true) q.whereNotNull('read_at')
    if (query.read === false) q.whereNull('read_at')
    if (query.type) q.where({ type: query.type })
    if (query.room_id) q.where({ room_id: query.room_id })
    return q
  }

  async find(params: NotificationParams): Promise<NotificationPage> {
    const user = requireUser(params)
    const query = params.query ?? {}
    const paginate = this.app.get('paginate')
    const limit = Math.min(query.$limit ?? paginate?.default ?? 25, paginate?.max ?? 100)
    const skip = query.$skip ?? 0
    const base = this.mine(user.id, query)
    const [{ count }] = await base.clone().count({ count: '*' })
    const rows =
      limit === 0
        ? []
        : await base
            .orderBy([
              { column: 'created_at', order: 'desc' },
              { column: 'id', order: 'desc' }
            ])
            .limit(limit)
            .offset(skip)
    return { total: Number(count), limit, skip, data: rows.map(toNotification) }
  }

  async get(id: Id, params: NotificationParams): Promise<Notification> {
    const user = requireUser(params)
    const row = await this.mine(user.id).where({ id }).first()
    if (!row) throw notFound()
    return toNotification(row)
  }

  // With an id: that notification. Without: every notification of mine matching the query that changes
  // (only those are returned, and announced).
  async patch(id: NullableId, data: NotificationPatch, params: NotificationParams): Promise<any> {
    const user = requireUser(params)
    const readAt = data.read ? this.db.fn.now() : null
    if (id !== null) {
      const [row] = await this.mine(user.id)
        .where({ id })
        // An already read notification keeps the time it was first read.
        .update({ read_at: data.read ? this.db.raw('coalesce(read_at, now())') : null })
        .returning('*')
      if (!row) throw notFound()
      return toNotification(row)
    }
    const q = this.mine(user.id, params.query ?? {})
    if (data.read) q.whereNull('read_at')
    else q.whereNotNull('read_at')
    const rows = await q.update({ read_at: readAt }).returning('*')
    return rows.map(toNotification)
  }

  async remove(id: NullableId, params: NotificationParams): Promise<Notification> {
    const user = requireUser(params)
    if (id === null) throw notFound()
    const [row] = await this.mine(user.id).where({ id }).del().returning('*')
    if (!row) throw notFound()
    return toNotification(row)
  }
}
