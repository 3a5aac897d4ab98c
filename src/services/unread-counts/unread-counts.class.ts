// Unread counts of all the caller's rooms in ONE query (a user may be in thousands of rooms), not paginated.
import type { ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import type { UnreadCount, UnreadCountQuery } from './unread-counts.schema'
import { unreadSqlWithLastSeq } from './unread'

export type { UnreadCount, UnreadCountQuery }
export interface UnreadCountParams extends KnexAdapterParams<UnreadCountQuery> {}

export class UnreadCountService
  extends KnexService<UnreadCount, never, UnreadCountParams>
  implements ServiceInterface<UnreadCount, never, UnreadCountParams>
{
  // My memberships in rooms of my current org, in the order rooms.find lists them (unreadCountResolver
  // turns the bigint columns into numbers).
  private myRooms(params: UnreadCountParams) {
    const user = requireUser(params)
    const db = this.Model
    return db('room_members as rm')
      .join('rooms as r', 'r.id', 'rm.room_id')
      .select(
        'rm.room_id',
        'rm.last_read_seq',
        'rm.muted',
        'r.last_seq',
        db.raw(
          `${unreadSqlWithLastSeq('rm.room_id', 'rm.last_read_seq', 'rm.user_id', 'r.last_seq')} as unread_count`
        )
      )
      .where({ 'rm.user_id': user.id, 'r.org_id': user.org_id ?? null })
      .orderByRaw('coalesce(r.last_message_at, r.created_at) desc, r.id')
  }

  // Always an array (never a page), whatever the caller asks: the adapter's find overloads cannot say that,
  // so the typed shape is UnreadCountClientService's.
  override async find(params: UnreadCountParams = {}): Promise<any> {
    const rows: UnreadCount[] = await this._find({ ...params, paginate: false, knex: this.myRooms(params) })
    return rows
  }
}

// No paginate option: the answer is always all my rooms, so a client syncs its badges with one call.
export const getOptions = (app: Application): KnexAdapterOptions => ({
  Model: app.get('postgresqlClient'),
  name: 'room_members'
})
