// `npm run bench:search`: message search over 1,000,000 messages in 1,000 rooms on a database of its own
// (BENCH_DATABASE_URL, default chatboard_bench_search); prints p50/p95/max per kind of search, through the
// search service's own code (no HTTP). `--explain` prints the plan of one search across my rooms; `--reuse`
// searches the database of the previous run instead of seeding it again.
import knex from 'knex'
import type { Knex } from 'knex'
import { migrateLatest } from '../src/postgresql'
import { recreateDatabase } from './lib/database'
import { SearchService } from '../src/services/search/search.class'

const URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/chatboard_bench_search'
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000)
const ROOMS = 1000
const SENDERS = 200
const VOCABULARY = 5000
const WORDS_PER_MESSAGE = 8
// Rooms the "typical" searcher is in; the "everywhere" searcher is in all of them.
const MY_ROOMS = 50
const RUNS = Number(process.env.BENCH_RUNS ?? 40)

// Words `wN` with a skewed (Zipf-like) frequency: w0 is in about a third of all messages, w4999 in a few
// hundred. Seeded in SQL with triggers off (the webhook and outbox triggers would queue a million rows of work)
// and the tsvector written directly, as the trigger would in the default 'simple' language; the GIN index
// is built after the load, which is how a bulk import would do it.
const seed = async (db: Knex) => {
  await db.raw('DROP INDEX IF EXISTS messages_search_vector_idx')
  const ids = await db.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica')
    const [org] = await trx('orgs').insert({ name: 'Bench', slug: 'bench' }).returning('id')
    await trx.raw(
      `INSERT INTO users (org_id, email, username, name, role)
       SELECT ?::uuid, 's' || i || '@bench.test', 's' || i, 'Sender ' || i, 'MEMBER'
       FROM generate_series(1, ${SENDERS}) i`,
      [org.id]
    )
    const [me] = await trx('users')
      .insert({ org_id: org.id, email: 'me@bench.test', username: 'me', name: 'Me' })
      .returning('id')
    const [all] = await trx('users')
      .insert({ org_id: org.id, email: 'all@bench.test', username: 'all', name: 'All' })
      .returning('id')
    await trx.raw(
      `INSERT INTO rooms (org_id, kind, name, last_seq)
       SELECT ?::uuid, 'group', 'room-' || lpad(i::text, 4, '0'), ${Math.ceil(MESSAGES / ROOMS)}
       FROM generate_series(1, ${ROOMS}) i`,
      [org.id]
    )
    await trx.raw(
      `WITH p AS (SELECT array_agg(id) a FROM users WHERE org_id = ? AND username LIKE 's%'),
            r AS (SELECT array_agg(id ORDER BY name) a FROM rooms WHERE org_id = ?)
       INSERT INTO messages (org_id, room_id, seq, sender_id, body, search_vector, created_at, updated_at)
       SELECT ?::uuid, r.a[1 + (i % ${ROOMS})], i / ${ROOMS} + 1, p.a[1 + (i % ${SENDERS})], b.body,
              to_tsvector('simple', b.body),
              now() - ((${MESSAGES} - i) * interval '1 second'), now()
       FROM generate_series(1, ${MESSAGES}) i, p, r,
       LATERAL (
         SELECT string_agg('w' || floor(power(((hashint8(i * 16 + j) & 2147483647) % 100000) / 100000.0, 3)
                               * ${VOCABULARY})::int, ' ') AS body
         FROM generate_series(1, ${WORDS_PER_MESSAGE}) j
       ) b`,
      [org.id, org.id, org.id]
    )
    await trx.raw(
      `INSERT INTO room_members (room_id, user_id, org_id, role)
       SELECT r.id, ?::uuid, r.org_id, 'member' FROM rooms r WHERE r.org_id = ? AND r.name <= ?
       UNION ALL
       SELECT r.id, ?::uuid, r.org_id, 'member' FROM rooms r WHERE r.org_id = ?`,
      [me.id, org.id, `room-${String(MY_ROOMS).padStart(4, '0')}`, all.id, org.id]
    )
    const [room] = await trx('rooms').where({ org_id: org.id, name: 'room-0001' }).select('id')
    return { orgId: org.id as string, me: me.id as string, all: all.id as string, roomId: room.id as string }
  })
  await db.raw('CREATE INDEX messages_search_vector_idx ON messages USING gin (search_vector)')
  await db.raw('VACUUM ANALYZE messages')
  await db.raw('VACUUM ANALYZE room_members')
  return ids
}

const seededIds = async (db: Knex) => {
  const org = await db('orgs').where({ slug: 'bench' }).first('id')
  const user = async (username: string) => (await db('users').where({ username }).first('id')).id as string
  const room = await db('rooms').where({ org_id: org.id, name: 'room-0001' }).first('id')
  return { orgId: org.id as string, me: await user('me'), all: await user('all'), roomId: room.id as string }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

// Queries from rare to common, one and two words: what people type, not only the worst case.
const QUERIES = [
  'w4000',
  'w2500',
  'w1200',
  'w700',
  'w300',
  'w150',
  'w3000 w900',
  'w60 w2000',
  '"w5 w7"',
  'w900 -w1'
]
const COMMON = ['w0', 'w1 w2']

const main = async () => {
  const url = new URL(process.env.BENCH_DATABASE_URL ?? URL_DEFAULT)
  console.log(
    `[bench:search] database ${url.pathname.slice(1)}: seeding ${MESSAGES} messages in ${ROOMS} rooms`
  )
  // --reuse: search the database a previous run seeded (seeding takes minutes; the code under test may change).
  const reuse = process.argv.includes('--reuse')
  if (!reuse) await recreateDatabase(url)
  const db = knex({ client: 'pg', connection: url.toString(), pool: { min: 1, max: 2 } })
  try {
    await migrateLatest(db)
    const seeded = Date.now()
    const { orgId, me, all, roomId } = reuse ? await seededIds(db) : await seed(db)
    console.log(`[bench:search] seeded and indexed in ${((Date.now() - seeded) / 1000).toFixed(1)} s`)
    const app = { get: (name: string) => (name === 'postgresqlClient' ? db : undefined) }
    const service = new SearchService(app as any)
    const userOf = (id: string) => ({ id, org_id: orgId }) as any
    const scenarios = [
      { name: `across my ${MY_ROOMS} rooms`, user: me, roomId: undefined, queries: QUERIES },
      { name: 'within one room', user: me, roomId, queries: QUERIES },
      { name: `across all ${ROOMS} rooms`, user: all, roomId: undefined, queries: QUERIES },
      { name: `common words, my ${MY_ROOMS} rooms`, user: me, roomId: undefined, queries: COMMON }
    ]
    const rows: Array<Record<string, string | number>> = []
    for (const s of scenarios) {
      const times: number[] = []
      let hits = 0
      for (let i = 0; i < RUNS + s.queries.length; i++) {
        const q = s.queries[i % s.queries.length]
        const t0 = process.hrtime.bigint()
        const page = await service.find({ user: userOf(s.user), query: { q, room_id: s.roomId, limit: 20 } })
        const ms = Number(process.hrtime.bigint() - t0) / 1e6
        // The first pass over the queries warms the cache and is not counted.
        if (i >= s.queries.length) times.push(ms)
        else hits += page.data.length
      }
      times.sort((a, b) => a - b)
      rows.push({
        search: s.name,
        runs: times.length,
        hits_first_pass: hits,
        p50_ms: +percentile(times, 0.5).toFixed(1),
        p95_ms: +percentile(times, 0.95).toFixed(1),
        max_ms: +times[times.length - 1].toFixed(1)
      })
    }
    console.table(rows)
    if (process.argv.includes('--explain')) {
      const plan = await db.raw(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT m.id FROM messages m
         WHERE m.search_vector @@ websearch_to_tsquery('simple', 'w700') AND m.org_id = ?
           AND m.room_id = ANY(ARRAY(SELECT room_id FROM room_members WHERE user_id = ? AND org_id = ?))
         ORDER BY ts_rank(m.search_vector, websearch_to_tsquery('simple', 'w700')) DESC LIMIT 21`,
        [orgId, me, orgId]
      )
      console.log(plan.rows.map((r: any) => r['QUERY PLAN']).join('\n'))
    }
    console.log(
      `BENCH_JSON ${JSON.stringify({ bench: 'search', messages: MESSAGES, rooms: ROOMS, results: rows })}`
    )
  } finally {
    await db.destroy()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
