// `npm run bench:analytics`: the admin analytics report over 1,000,000 messages (one org, 500 people, 50 rooms,
// 90 days) on a database of its own; prints p50/p95/max per period, and with --explain the 30-day plan.
import knex from 'knex'
import type { Knex } from 'knex'
import { migrateLatest } from '../src/postgresql'
import { recreateDatabase } from './lib/database'
import { backfill } from '../migrations/20261126050100_analytics_rollup'
import { REPORT_SQL, buildReport, reportBindings } from '../src/services/analytics/analytics.query'

const URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/chatboard_bench_analytics'
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000)
const PEOPLE = 500
const ROOMS = 50
const DAYS = 90
const RUNS = Number(process.env.BENCH_RUNS ?? 15)

// Seeded in SQL (generate_series), triggers off: the outbox and webhook triggers would otherwise queue a
// million rows of work nobody drains. The analytics side tables are filled directly instead.
const seed = async (db: Knex, lastDay: string) => {
  await db.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica')
    const [org] = await trx('orgs').insert({ name: 'Bench', slug: 'bench' }).returning('id')
    const [other] = await trx('orgs').insert({ name: 'Other', slug: 'other' }).returning('id')
    const start = `(DATE '${lastDay}' - ${DAYS - 1})::timestamp AT TIME ZONE 'UTC'`
    await trx.raw(
      `INSERT INTO users (org_id, email, username, name, role, created_at)
       SELECT o.org, 'p' || o.org_no || '-' || i || '@bench.test', 'p' || o.org_no || '-' || i, 'Person ' || i,
              CASE WHEN i = 1 THEN 'ADMIN' ELSE 'MEMBER' END, ${start} + (i % ${DAYS}) * interval '1 day'
       FROM (VALUES (?::uuid, 1), (?::uuid, 2)) AS o(org, org_no), generate_series(1, ${PEOPLE}) i`,
      [org.id, other.id]
    )
    await trx.raw(
      `INSERT INTO analytics_member_joins (org_id, user_id, joined_at) SELECT org_id, id, created_at FROM users`
    )
    await trx.raw(
      `INSERT INTO rooms (org_id, kind, name, created_at)
       SELECT o.org, 'group', 'room-' || i, ${start}
       FROM (VALUES (?::uuid), (?::uuid)) AS o(org), generate_series(1, ${ROOMS}) i`,
      [org.id, other.id]
    )
    // Most messages come from a few people (squared skew), each of whom talks in about three rooms; seqs per
    // room come from row_number so they are unique.
    await trx.raw(
      `WITH p AS (SELECT array_agg(id ORDER BY username) a FROM users WHERE org_id = ?),
            r AS (SELECT array_agg(id ORDER BY name) a FROM rooms WHERE org_id = ?),
            s AS (SELECT i, floor(power(((i::bigint * 7919) % 1000) / 1000.0, 2) * ${PEOPLE})::int AS who
                  FROM generate_series(1, ${MESSAGES}) i),
            m AS (SELECT i, who, (who * 3 + i % 3) % ${ROOMS} AS room FROM s)
       INSERT INTO messages (org_id, room_id, seq, sender_id, body, created_at, updated_at)
       SELECT ?::uuid, r.a[1 + m.room], row_number() OVER (PARTITION BY m.room ORDER BY m.i),
              p.a[1 + m.who],
              'bench message ' || i,
              ${start} + (i::float8 / ${MESSAGES}) * ${DAYS} * interval '1 day',
              ${start} + (i::float8 / ${MESSAGES}) * ${DAYS} * interval '1 day'
       FROM m, p, r`,
      [org.id, org.id, org.id]
    )
    // A tenth of the messages again in the other org: the report must skip them, not scan them.
    await trx.raw(
      `WITH p AS (SELECT array_agg(id) a FROM users WHERE org_id = ?), r AS (SELECT array_agg(id) a FROM rooms WHERE org_id = ?)
       INSERT INTO messages (org_id, room_id, seq, sender_id, body, created_at, updated_at)
       SELECT ?::uuid, r.a[1 + (i % ${ROOMS})], i / ${ROOMS} + 1, p.a[1 + (i % ${PEOPLE})], 'other ' || i,
              ${start} + (i::float8 / ${MESSAGES / 10}) * ${DAYS} * interval '1 day', now()
       FROM generate_series(1, ${MESSAGES / 10}) i, p, r`,
      [other.id, other.id, other.id]
    )
    // The rollups the message trigger would have kept (triggers are off while seeding).
    await backfill(trx)
    // Readers: about 60% of the people read on any given day.
    await trx.raw(
      `INSERT INTO analytics_active_days (org_id, day, user_id)
       SELECT u.org_id, (DATE '${lastDay}' - d), u.id FROM users u, generate_series(0, ${DAYS - 1}) d
       WHERE u.org_id = ? AND (hashtext(u.id::text || d) % 10) BETWEEN -5 AND 5
       ON CONFLICT DO NOTHING`,
      [org.id]
    )
    return org.id
  })
  await db.raw('VACUUM ANALYZE messages')
  await db.raw('VACUUM ANALYZE users')
  await db.raw('VACUUM ANALYZE analytics_active_days')
  await db.raw('VACUUM ANALYZE analytics_room_days')
  await db.raw('VACUUM ANALYZE analytics_sender_days')
  return (await db('orgs').where({ slug: 'bench' }).first('id')).id as string
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

const main = async () => {
  const url = new URL(process.env.BENCH_DATABASE_URL ?? URL_DEFAULT)
  const lastDay = new Date().toISOString().slice(0, 10)
  console.log(
    `[bench:analytics] database ${url.pathname.slice(1)}: seeding ${MESSAGES} messages over ${DAYS} days`
  )
  await recreateDatabase(url)
  const db = knex({ client: 'pg', connection: url.toString(), pool: { min: 1, max: 2 } })
  try {
    await migrateLatest(db)
    const seeded = Date.now()
    const orgId = await seed(db, lastDay)
    const total = (await db('messages').where({ org_id: orgId }).count({ n: '*' }))[0].n
    const rollup = (await db('analytics_sender_days').where({ org_id: orgId }).count({ n: '*' }))[0].n
    const took = ((Date.now() - seeded) / 1000).toFixed(1)
    console.log(
      `[bench:analytics] seeded ${total} messages (${rollup} sender-day rows) in the org in ${took} s`
    )
    const rows: Array<Record<string, string | number>> = []
    for (const days of [1, 7, 30, 90, 366]) {
      const from = new Date(Date.parse(`${lastDay}T00:00:00Z`) - (days - 1) * 86_400_000)
        .toISOString()
        .slice(0, 10)
      const range = { orgId, from, to: lastDay, limit: 10 }
      const report = await buildReport(db, range) // warm-up (and the figures printed below)
      const times: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint()
        await buildReport(db, range)
        times.push(Number(process.hrtime.bigint() - t0) / 1e6)
      }
      times.sort((a, b) => a - b)
      rows.push({
        period_days: days,
        messages_in_period: report.messages,
        p50_ms: +percentile(times, 0.5).toFixed(1),
        p95_ms: +percentile(times, 0.95).toFixed(1),
        max_ms: +times[times.length - 1].toFixed(1)
      })
    }
    console.table(rows)
    if (process.argv.includes('--explain')) {
      const from = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10)
      const range = { orgId, from, to: lastDay, limit: 10 }
      const explained = await db.raw(`EXPLAIN (ANALYZE, BUFFERS) ${REPORT_SQL}`, reportBindings(range))
      console.log(explained.rows.map((r: any) => r['QUERY PLAN']).join('\n'))
    }
    console.log(
      `BENCH_JSON ${JSON.stringify({ bench: 'analytics', messages: MESSAGES, runs: RUNS, results: rows })}`
    )
  } finally {
    await db.destroy()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
