// The catch-up statement, coalesced: the catch-up calls of a turn read their pages in one statement per shape
// (batch-loader.ts), each request's page computed by the same query as alone, laterally over the requests.
import type { Knex } from 'knex'
import { batchLoader } from '../../batch-loader'
import { isoTimestampOptions } from '../../iso-timestamps'
import { storedMessageColumns } from '../messages/columns'

// The message columns a page item is made of (columns.ts).
const COLUMNS = storedMessageColumns.map((name) => `m.${name}`).join(', ')
// Out of the statement: a message's columns on its first row only; its other rows (the same message on other
// pages of the batch) carry just its (room_id, seq), and share the first row's object (readShape).
const SHARED_COLUMNS = storedMessageColumns
  .map((name) =>
    name === 'room_id' || name === 'seq' ? `r.${name}` : `case when r._first then r.${name} end as ${name}`
  )
  .join(', ')

export interface PageRequest {
  // My positions: room id → the seq up to which I hold every message.
  since: Record<string, number>
  // Where the cursor left off: the page starts after (from_room, from_seq); the nil uuid and 0 without one.
  fromRoom: string
  fromSeq: number
  userId: string
  orgId: string
  onlySince: boolean
  changedSince: string | null
  limit: number
}

// My rooms of my org from the cursor's room on (`from_room` sorts first without a cursor); `from_seq` is where
// the cursor left its room (0 in later rooms). Per room, from the (room_id, seq) index: the messages after my
// position (and after `from`); with `updated_after` also those up to my position changed since then (the
// (room_id, updated_at) index), so edits, unsends and deletes of what I hold come in the same pages. At most
// limit + 1 per room; the sort keeps limit + 1 in (room_id, seq) order (one more than asked tells has_more).
// Without `updated_after`, rooms with nothing after my position are skipped on rooms.last_seq alone, and only
// the first limit + 2 rooms are read: each has a message to give (but the cursor's room, maybe), so a page of
// limit + 1 never reaches further, however many rooms I am in.
// With the page, the rooms I am in that `since` does not name (new to me) and those it names that I am not in
// (gone), aggregated onto the page's first row only (a user in 500 rooms with no `since` would otherwise
// repeat 500 ids on each of 200 rows); an empty page is one row of nulls carrying the rooms.
// Keys are uuids in any case: the same room named twice (upper and lower case) counts once, from the lower
// position (a room must never come twice).
// `only_since` and `updated_after` change the plan (a join, a second index walk), so they make the shape: one
// statement per shape in a batch.
const statement = (onlySince: boolean, changed: boolean) =>
  `select r._idx, r._first, r._new_rooms, r._gone_rooms, ${SHARED_COLUMNS}
   from (
   select q.idx as _idx, x.*,
     row_number() over (partition by x.room_id, x.seq order by q.idx) = 1 as _first
   from jsonb_to_recordset(?::jsonb) as q(idx int, since jsonb, from_room uuid, from_seq bigint, user_id uuid,
     org_id uuid, changed_since timestamptz, lim int)
   cross join lateral (
     with pos as (
       select key::uuid as room_id, min(value::bigint) as seq from jsonb_each_text(q.since) group by 1
     ),
     mine as (
       select rm.room_id, coalesce(p.seq, 0) as pos,
         case when rm.room_id = q.from_room then q.from_seq else 0 end as from_seq
       from room_members rm
       join rooms r on r.id = rm.room_id
       ${onlySince ? 'join' : 'left join'} pos p on p.room_id = rm.room_id
       where rm.user_id = q.user_id and r.org_id = q.org_id and rm.room_id >= q.from_room
         ${changed ? '' : 'and r.last_seq > coalesce(p.seq, 0)'}
       ${changed ? '' : 'order by rm.room_id limit q.lim + 2'}
     ),
     page as (
       select m.* from mine
       cross join lateral (
         (select ${COLUMNS} from messages m
          where m.room_id = mine.room_id and m.seq > greatest(mine.pos, mine.from_seq)
          order by m.seq limit q.lim + 1)
         ${
           changed
             ? `union all
         (select ${COLUMNS} from messages m
          where m.room_id = mine.room_id and m.updated_at > q.changed_since
            and m.seq > mine.from_seq and m.seq <= mine.pos
          order by m.seq limit q.lim + 1)`
             : ''
         }
       ) m
       order by m.room_id, m.seq
       limit q.lim + 1
     ),
     member as (
       select rm.room_id from room_members rm join rooms r on r.id = rm.room_id
       where rm.user_id = q.user_id and r.org_id = q.org_id
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
   ) x
   ) r
   order by r._idx, r.room_id, r.seq`

// One request's answer: its page's messages (limit + 1 at most) in (room_id, seq) order, and its rooms new to
// it and gone. A message on several pages of the batch is one object on all of them, so it is parsed once and
// resolved once (shared-resolve-hooks.ts); its row's `_idx`, `_first` and rooms are the first page's, and the
// messages resolver keeps only the schema's columns.
export interface PageRows {
  messages: Record<string, any>[]
  newRooms: string[]
  goneRooms: string[]
}

const emptyAnswer = (): PageRows => ({ messages: [], newRooms: [], goneRooms: [] })

const readShape = async (db: Knex, requests: { key: PageRequest; at: number }[], answers: PageRows[]) => {
  const { onlySince, changedSince } = requests[0].key
  const rows = JSON.stringify(
    requests.map(({ key }, idx) => ({
      idx,
      since: key.since,
      from_room: key.fromRoom,
      from_seq: key.fromSeq,
      user_id: key.userId,
      org_id: key.orgId,
      changed_since: key.changedSince,
      lim: key.limit
    }))
  )
  // Timestamps as the ISO strings they leave as (iso-timestamps.ts): these rows only go out.
  const result = await db
    .raw(statement(onlySince, changedSince !== null), [rows])
    .options(isoTimestampOptions)
  const firsts = new Map<string, Record<string, any>>()
  let request = -1
  for (const row of result.rows) {
    const answer = answers[requests[row._idx].at]
    // A request's first row carries its rooms (in (idx, room_id, seq) order it comes first).
    if (row._idx !== request) {
      request = row._idx
      answer.newRooms = row._new_rooms ?? []
      answer.goneRooms = row._gone_rooms ?? []
    }
    // An empty page: one row with no message.
    if (row.room_id === null) continue
    const key = `${row.room_id}.${row.seq}`
    if (row._first) firsts.set(key, row)
    const message = firsts.get(key)
    // Its first row has the lowest idx, so it was read before; a row without one would be a broken statement.
    if (!message) throw new Error(`catch-up: message ${key} without its columns`)
    answer.messages.push(message)
  }
}

export const pageLoader = (db: () => Knex) =>
  batchLoader<PageRequest, PageRows>(
    async (keys) => {
      const answers: PageRows[] = keys.map(emptyAnswer)
      const shapes = new Map<string, { key: PageRequest; at: number }[]>()
      keys.forEach((key, at) => {
        const shape = `${key.onlySince}:${key.changedSince !== null}`
        const requests = shapes.get(shape) ?? []
        requests.push({ key, at })
        shapes.set(shape, requests)
      })
      await Promise.all([...shapes.values()].map((requests) => readShape(db(), requests, answers)))
      return answers
    },
    // A request reads up to 1,001 rows: 20 of them bound one statement's result to ~20,000 messages.
    { maxBatchSize: 20, maxInflight: 4 }
  )
