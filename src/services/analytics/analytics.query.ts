// The analytics report as one SQL statement over the daily rollups that triggers keep (messages per day and
// room, per day and sender; who was active per day; who joined when): a few thousand rows, never the messages.
import type { Knex } from 'knex'
import type { Analytics } from './analytics.schema'

export interface ReportRange {
  orgId: string
  from: string // YYYY-MM-DD, UTC, inclusive
  to: string // YYYY-MM-DD, UTC, inclusive
  limit: number
}

// API-key bots (users.kind = 'bot') are not people: not members, never active users; they do appear among the
// top senders, flagged.
const PERSON = (alias: string) => `${alias}.kind <> 'bot'`

// Messages are counted as sent (system messages excluded, by the trigger): a later delete, unsend or retention
// purge does not change the history, nor the all-time total.
const SQL = `
WITH bounds AS (
  SELECT CAST(? AS date) AS first_day, CAST(? AS date) AS last_day, CAST(? AS uuid) AS org
), rooms_in AS MATERIALIZED (
  SELECT r.day, r.room_id, r.messages FROM analytics_room_days r, bounds b
  WHERE r.org_id = b.org AND r.day BETWEEN b.first_day AND b.last_day
), active AS MATERIALIZED (
  SELECT a.day, a.user_id FROM analytics_active_days a JOIN users u ON u.id = a.user_id, bounds b
  WHERE a.org_id = b.org AND a.day BETWEEN b.first_day AND b.last_day AND ${PERSON('u')}
), joins AS (
  SELECT (j.joined_at AT TIME ZONE 'UTC')::date AS day, count(DISTINCT j.user_id) AS n
  FROM analytics_member_joins j, bounds b
  WHERE j.org_id = b.org
    AND j.joined_at >= (b.first_day::timestamp AT TIME ZONE 'UTC')
    AND j.joined_at < ((b.last_day + 1)::timestamp AT TIME ZONE 'UTC')
  GROUP BY 1
), message_days AS (
  SELECT day, sum(messages) AS n FROM rooms_in GROUP BY day
), active_days AS (
  SELECT day, count(*) AS n FROM active GROUP BY day
), series AS (
  SELECT g::date AS day FROM bounds b, generate_series(b.first_day, b.last_day, interval '1 day') g
)
SELECT json_build_object(
  'days', (
    SELECT json_agg(json_build_object(
      'day', to_char(s.day, 'YYYY-MM-DD'),
      'active_users', coalesce(a.n, 0),
      'messages', coalesce(md.n, 0),
      'new_members', coalesce(j.n, 0)) ORDER BY s.day)
    FROM series s
    LEFT JOIN active_days a ON a.day = s.day
    LEFT JOIN message_days md ON md.day = s.day
    LEFT JOIN joins j ON j.day = s.day),
  'active_users', (SELECT count(DISTINCT user_id) FROM active),
  'messages', (SELECT coalesce(sum(messages), 0) FROM rooms_in),
  'new_members', (SELECT coalesce(sum(n), 0) FROM joins),
  'busiest_rooms', (
    SELECT coalesce(json_agg(r ORDER BY r.messages DESC, r.room_id), '[]'::json) FROM (
      SELECT rooms_in.room_id, rooms.name, rooms.kind, sum(rooms_in.messages) AS messages
      FROM rooms_in JOIN rooms ON rooms.id = rooms_in.room_id
      WHERE rooms.kind = 'group'
      GROUP BY rooms_in.room_id, rooms.name, rooms.kind
      ORDER BY messages DESC, rooms_in.room_id LIMIT ?) r),
  'top_senders', (
    SELECT coalesce(json_agg(t ORDER BY t.messages DESC, t.user_id), '[]'::json) FROM (
      SELECT sd.sender_id AS user_id, u.username, u.name, NOT ${PERSON('u')} AS bot, sd.messages
      FROM (
        SELECT d.sender_id, sum(d.messages) AS messages FROM analytics_sender_days d, bounds b
        WHERE d.org_id = b.org AND d.day BETWEEN b.first_day AND b.last_day
        GROUP BY d.sender_id ORDER BY messages DESC, d.sender_id LIMIT ?
      ) sd JOIN users u ON u.id = sd.sender_id) t),
  'totals', json_build_object(
    'members', (SELECT count(*) FROM users u, bounds b WHERE u.org_id = b.org AND ${PERSON('u')}),
    'rooms', (SELECT count(*) FROM rooms, bounds b WHERE rooms.org_id = b.org),
    'messages', (SELECT coalesce(sum(r.messages), 0) FROM analytics_room_days r, bounds b WHERE r.org_id = b.org))
) AS report`

export const REPORT_SQL = SQL
export const reportBindings = (range: ReportRange) => [
  range.from,
  range.to,
  range.orgId,
  range.limit,
  range.limit
]

// Busiest rooms list group rooms only: naming a DM would tell who talks to whom, which an org report should not.
export const buildReport = async (knex: Knex, range: ReportRange): Promise<Analytics> => {
  const result = await knex.raw(SQL, reportBindings(range))
  const report = result.rows[0].report
  return { org_id: range.orgId, from: range.from, to: range.to, ...report }
}
