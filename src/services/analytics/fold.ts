// Folds messages sent since the last fold into the daily rollups (per room, per sender, active senders), room
// by room from each room's counted seq to its last_seq. Runs as a system job every analytics.foldEveryMs and
// before every report (so a report counts every message sent before it was asked for).
import type { Knex } from 'knex'

// One fold at a time across processes: two folds reading the same cursors would count a message twice.
const FOLD_LOCK = 0x616e61 // 'ana'
// Rooms per statement: a fold's work is bounded however long nobody folded.
const ROOMS_PER_BATCH = 500

// The rooms are those of one org (a report) or all (the job). One statement, one snapshot: the cursors move
// exactly as far as the messages counted.
const FOLD_SQL = (oneOrg: boolean) => `
with due as (
  select r.id as room_id, coalesce(c.counted_seq, 0) as from_seq, r.last_seq as to_seq
  from rooms r left join analytics_room_cursors c on c.room_id = r.id
  where r.last_seq > coalesce(c.counted_seq, 0) ${oneOrg ? 'and r.org_id = :orgId' : ''}
  limit ${ROOMS_PER_BATCH}
), sent as (
  select m.org_id, (m.created_at at time zone 'UTC')::date as day, m.room_id, m.sender_id
  from due d join messages m on m.room_id = d.room_id and m.seq > d.from_seq and m.seq <= d.to_seq
  -- System messages are the server's (joins, renames), not anyone's: not counted.
  where m.kind <> 'system' and m.sender_id is not null
), by_room as (
  insert into analytics_room_days (org_id, day, room_id, messages)
  select org_id, day, room_id, count(*) from sent group by 1, 2, 3
  on conflict (org_id, day, room_id) do update set messages = analytics_room_days.messages + excluded.messages
), by_sender as (
  insert into analytics_sender_days (org_id, day, sender_id, messages)
  select org_id, day, sender_id, count(*) from sent group by 1, 2, 3
  on conflict (org_id, day, sender_id) do update set messages = analytics_sender_days.messages + excluded.messages
), active as (
  insert into analytics_active_days (org_id, day, user_id)
  select distinct org_id, day, sender_id from sent
  on conflict do nothing
), moved as (
  insert into analytics_room_cursors (room_id, counted_seq)
  select room_id, to_seq from due
  on conflict (room_id) do update set counted_seq = excluded.counted_seq
)
select (select count(*) from due)::int as rooms, (select count(*) from sent)::int as messages`

// Returns how many messages were counted. Messages removed before their fold (retention) are not counted.
export const foldAnalytics = async (db: Knex, orgId?: string) => {
  let counted = 0
  for (;;) {
    const { rooms, messages } = await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [FOLD_LOCK])
      const result = await trx.raw(FOLD_SQL(orgId !== undefined), orgId ? { orgId } : {})
      return result.rows[0] as { rooms: number; messages: number }
    })
    counted += messages
    if (rooms < ROOMS_PER_BATCH) return counted
  }
}
