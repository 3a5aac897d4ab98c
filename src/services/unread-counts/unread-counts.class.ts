// Unread counts of all the caller's rooms in ONE query (a user may be in thousands of rooms), not paginated.
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import type { UnreadCount, UnreadCountQuery } from './unread-counts.schema'
import { unreadSqlWithLastSeq } from './unread'

export type { UnreadCount, UnreadCountQuery }
export interface UnreadCountParams extends Params<UnreadCountQuery> {}

export class UnreadCountService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: UnreadCountParams = {}): Promise<UnreadCount[]> {
    const user = requireUser(params)
    // Rooms of the caller's current org only, in the order rooms.find lists them.
    const result = await this.db.raw(
      `select rm.room_id, rm.last_read_seq, rm.muted, r.last_seq,
          ${unreadSqlWithLastSeq('rm.room_id', 'rm.last_read_seq', 'rm.user_id', 'r.last_seq')} as unread_count
       from room_members rm join rooms r on r.id = rm.room_id
       where rm.user_id = ? and r.org_id = ?
       order by coalesce(r.last_message_at, r.created_at) desc, r.id`,
      [user.id, user.org_id ?? null]
    )
    return result.rows.map((row: any) => ({
      room_id: row.room_id,
      unread_count: Number(row.unread_count),
      last_read_seq: Number(row.last_read_seq),
      last_seq: Number(row.last_seq),
      muted: row.muted
    }))
  }
}
