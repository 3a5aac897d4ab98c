// The analytics report as one SQL statement: one pass over the messages index for the period (grouped by day,
// sender and room), from which the days, the busiest rooms and the top senders are all derived.
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

// Kind 'system' messages are written by the server (joins, renames), not sent by anyone: not counted.
const SQL = `
WITH bounds AS (
  SELECT CAST(? AS date) AS first_day, CAST(? AS date) AS last_day, CAST(? AS uuid) AS org
), base AS MATERIALIZED (
  SELECT (m.created_at AT TIME ZONE 'UTC')::date AS day, m.sender_id, m.room_id, count(*) AS n
  FROM messages m, bounds b
  WHERE m.org_id = b.org
    AND m.created_at >= (b.first_day::timestamp AT TIME ZONE 'UTC')
    AND m.created_at < ((b.last_day + 1)::timestamp AT TIME ZONE 'UTC')
    AND m.kind <> 'system'
  GROUP BY 1, 2, 3
), active AS MATERIALIZED (
  SELECT x.day, x.user_id FROM (
    SELECT day, sender_id AS user_id FROM base WHERE sender_id IS NOT NULL
    UNION
    SELECT a.day, a.user_id FROM analytics_active_days a, bounds b
    WHERE a.org_id = b.org AND a.day BETWEEN b.first_day AND b.last_day
  ) x JOIN users u ON u.id = x.user_id
  WHERE ${PERSON('u')}
), joins AS (
  SELECT (j.joined_at AT TIME ZONE 'UTC')::date AS day, count(DISTINCT j.user_id) AS n
  FROM analytics_member_joins j, bounds b
  WHERE j.org_id = b.org
    AND j.joined_at >= (b.first_day::timestamp AT TIME ZONE 'UTC')
    AND j.joined_at < ((b.last_day + 1)::timestamp AT TIME ZONE 'UTC')
  GROUP BY 1
), message_days AS (
  SELECT day, sum(n) AS n FROM base GROUP BY day
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
  'messages', (SELECT coalesce(sum(n), 0) FROM base),
  'new_members', (SELECT coalesce(sum(n), 0) FROM joins),
  'busiest_rooms', (
    SELECT coalesce(json_agg(r ORDER BY r.messages DESC, r.room_id), '[]'::json) FROM (
      SELECT base.room_id, rooms.name, rooms.kind, sum(base.n) AS messages
      FROM base JOIN rooms ON rooms.id = base.room_id
      WHERE rooms.kind = 'group'
      GROUP BY base.room_id, rooms.name, rooms.kind
      ORDER BY messages DESC, base.room_id LIMIT ?) r),
  'top_senders', (
    SELECT coalesce(json_agg(t ORDER BY t.messages DESC, t.user_id), '[]'::json) FROM (
      SELECT base.sender_id AS user_id, u.username, u.name, NOT ${PERSON('u')} AS bot, sum(base.n) AS messages
      FROM base JOIN users u ON u.id = base.sender_id
      GROUP BY base.sender_id, u.username, u.name, bot
      ORDER BY messages DESC, base.sender_id LIMIT ?) t),
  'totals', json_build_object(
    'members', (SELECT count(*) FROM users u, bounds b WHERE u.org_id = b.org AND ${PERSON('u')}),
    'rooms', (SELECT count(*) FROM rooms, bounds b WHERE rooms.org_id = b.org),
    'messages', (SELECT count(*) FROM messages m, bounds b WHERE m.org_id = b.org AND m.kind <> 'system'))
) AS report`

// Busiest rooms list group rooms only: naming a DM would tell who talks to whom, which an org report should not.
export const buildReport = async (knex: Knex, range: ReportRange): Promise<Analytics> => {
  const result = await knex.raw(SQL, [range.from, range.to, range.orgId, range.limit, range.limit])
  const report = result.rows[0].report
  return { org_id: range.orgId, from: range.from, to: range.to, ...report }
}
