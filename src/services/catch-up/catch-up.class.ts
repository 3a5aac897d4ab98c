// Bulk catch-up: everything after my positions in all the rooms I am a member of now, in (room_id, seq) order,
// paged across rooms. One statement: the page (an index walk per room from its position, merged in order) and
// the rooms new to me or gone. Rooms of other orgs, and rooms I left or was kicked from, never appear.
import { BadRequest } from '@feathersjs/errors'
import type { ServiceInterface } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import type { Message } from '../messages/messages.schema'
import type { CatchUpPage, CatchUpQuery } from './catch-up.schema'

export type { CatchUpPage, CatchUpQuery }
export interface CatchUpParams {
  query?: CatchUpQuery
  [key: string]: any
}

const DEFAULT_LIMIT = 200
const FIRST_ROOM = '00000000-0000-0000-0000-000000000000'
const CURSOR = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9]{1,15})$/

// The cursor is the (room_id, seq) of the last message of a page: the next page starts strictly after it.
// Opaque to clients (base64url) so its form can change.
export const encodeCursor = (message: Pick<Message, 'room_id' | 'seq'>) =>
  Buffer.from(`${message.room_id}.${message.seq}`).toString('base64url')

export const decodeCursor = (cursor: string) => {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!match) throw new BadRequest('That cursor is not one this service gave', { code: 'invalid_cursor' })
  return { roomId: match[1], seq: Number(match[2]) }
}

export class CatchUpService implements ServiceInterface<CatchUpPage, never, CatchUpParams> {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: CatchUpParams = {}): Promise<CatchUpPage> {
    const user = requireUser(params)
    const query = params.query ?? {}
    const limit = query.limit ?? DEFAULT_LIMIT
    // Keys are uuids in any case: the same room named twice (upper and lower case) counts once, from the
    // lower position (a room must never come twice).
    const since = JSON.stringify(query.since ?? {})
    const from = query.cursor ? decodeCursor(query.cursor) : { roomId: FIRST_ROOM, seq: 0 }
    const changedSince = query.updated_after ?? null
    // My rooms of my org from the cursor's room on; `from` is where the cursor left a room (0 in later rooms).
    // Per room, from the (room_id, seq) index: the messages after my position (and after `from`); with
    // `updated_after` also those up to my position changed since then (the (room_id, updated_at) index), so
    // edits, unsends and deletes of what I hold come in the same pages. At most limit + 1 per room; the outer
    // sort keeps limit + 1 in (room_id, seq) order (one more than asked tells has_more). Without
    // `updated_after`, rooms with nothing after my position are skipped on rooms.last_seq alone, and only the
    // first limit + 2 rooms are read: each has a message to give (but the cursor's room, maybe), so a page of
    // limit + 1 never reaches further, however many rooms I am in.
    // One statement (one round trip, which is most of what a small query costs under load): the page, and
    // the rooms I am in that `since` does not name (new to me) and those it names that I am not in (gone),
    // aggregated onto the first row only (a user in 500 rooms with no `since` would otherwise repeat 500 ids
    // on each of 200 rows); an empty page is one row of nulls carrying the rooms.
    const result = await this.db.raw(
      `with pos as (
         select key::uuid as room_id, min(value::bigint) as seq from jsonb_each_text(?::jsonb) group by 1
       ),
       mine as (
         select rm.room_id, coalesce(p.seq, 0) as pos,
           case when rm.room_id = ?::uuid then ?::bigint else 0 end as from_seq
         from room_members rm
         join rooms r on r.id = rm.room_id
         ${query.only_since ? 'join' : 'left join'} pos p on p.room_id = rm.room_id
         where rm.user_id = ? and r.org_id = ?
           ${changedSince ? '' : 'and r.last_seq > coalesce(p.seq, 0)'}
           ${query.cursor ? 'and rm.room_id >= ?::uuid' : ''}
         ${changedSince ? '' : 'order by rm.room_id limit ?'}
       ),
       page as (
         select m.* from mine
         cross join lateral (
           (select * from messages m
            where m.room_id = mine.room_id and m.seq > greatest(mine.pos, mine.from_seq)
            order by m.seq limit ?)
           ${
             changedSince
               ? `union all
           (select * from messages m
            where m.room_id = mine.room_id and m.updated_at > ?::timestamptz
              and m.seq > mine.from_seq and m.seq <= mine.pos
            order by m.seq limit ?)`
               : ''
           }
         ) m
         order by m.room_id, m.seq
         limit ?
       ),
       member as (
         select rm.room_id from room_members rm join rooms r on r.id = rm.room_id
         where rm.user_id = ? and r.org_id = ?
       ),
       changed as (
         select
           array_agg(member.room_id order by member.room_id) filter (where pos.room_id is null) as new_rooms,
           array_agg(pos.room_id order by pos.room_id) filter (where member.room_id is null) as gone_rooms
         from member full join (select distinct room_id from pos) pos on pos.room_id = member.room_id
       )
       select page.*,
         case when row_number() over w = 1 then changed.new_rooms end as _new_rooms,
         case when row_number() over w = 1 then changed.gone_rooms end as _gone_rooms
       from changed left join page on true
       window w as (order by page.room_id, page.seq)
       order by page.room_id, page.seq`,
      [
        since,
        from.roomId,
        from.seq,
        user.id,
        user.org_id,
        ...(query.cursor ? [from.roomId] : []),
        ...(changedSince ? [] : [limit + 2]),
        limit + 1,
        ...(changedSince ? [changedSince, limit + 1] : []),
        limit + 1,
        user.id,
        user.org_id
      ]
    )
    const first = result.rows[0] ?? {}
    // The resolvers keep only the message schema's columns, so the two room columns never leave.
    const rows: Message[] = first.id === null ? [] : result.rows
    const data = rows.slice(0, limit)
    const hasMore = rows.length > limit
    return {
      data,
      limit,
      has_more: hasMore,
      next_cursor: hasMore
        ? encodeCursor({ room_id: data[data.length - 1].room_id, seq: Number(data[data.length - 1].seq) })
        : null,
      new_rooms: first._new_rooms ?? [],
      gone_rooms: first._gone_rooms ?? []
    }
  }
}
