// The analytics service over REST and Socket.IO: exact figures for a known, backdated fixture; only the
// caller's org; ADMINs and analytics:read keys only; bad periods answer 400 with a code.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { addMember, api, bearer, createOrg, register } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { clientPool, newKey, withKey } from '../api-keys/helpers'
import { analyticsSchema } from '../../../src/services/analytics/analytics.schema'
import { assertMatches } from '../../helpers/schemas'
import { foldAnalytics } from '../../../src/services/analytics/fold'

// Login answers carry the user's display name too; Account only types what most suites need.
const nameOf = (account: Account) => (account as Account & { name: string }).name

const DAY1 = '2026-01-10'
const DAY2 = '2026-01-11'

interface Fixture {
  orgId: string
  admin: Account
  m1: Account
  m2: Account
  general: string
  random: string
  dev: string
}

const post = async (url: string, account: Account, path: string, body: unknown) => {
  const res = await api(url, 'POST', path, body, bearer(account.accessToken))
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

// Backdating is the only way to get several days of history in a test: the rows come through the API,
// then their timestamps move to fixed past days (what a real org would have after two days of use).
const backdate = async (table: string, column: string, where: Record<string, unknown>, day: string) => {
  const knex = sharedServer().app.get('postgresqlClient')
  await knex(table)
    .where(where)
    .update({ [column]: column === 'day' ? day : `${day}T12:00:00Z` })
}

// Day 1: the admin founds the org and sends 2 messages in #general. Day 2: m1 and m2 join; m1 sends 3 in
// #random and 1 in #dev; m2 only reads #general. Plus noise in another org on day 1. Each room and each
// person is active on one day only, so every rollup row moves to its day as a whole.
const buildFixture = async (url: string): Promise<Fixture> => {
  const { admin, orgId } = await createOrg(url)
  const m1 = await addMember(url, admin)
  const m2 = await addMember(url, admin)
  const general = (await post(url, admin, '/rooms', { name: 'general', member_ids: [m1.id, m2.id] })).id
  const random = (await post(url, admin, '/rooms', { name: 'random', member_ids: [m1.id] })).id
  const dev = (await post(url, admin, '/rooms', { name: 'dev', member_ids: [m1.id] })).id
  const send = (who: Account, room: string, body: string) =>
    post(url, who, '/messages', { room_id: room, body })
  const day1 = [await send(admin, general, 'a1'), await send(admin, general, 'a2')]
  const day2 = [
    await send(m1, random, 'b1'),
    await send(m1, random, 'b2'),
    await send(m1, random, 'b3'),
    await send(m1, dev, 'b4')
  ]
  await post(url, m2, '/receipts', { room_id: general, read_seq: day1[1].seq })
  // The sends are counted into the rollups by a fold (a job, and every report); fold now, then backdate.
  const knex = sharedServer().app.get('postgresqlClient')
  await foldAnalytics(knex)
  // The rollup rows (per day and room, per day and sender, active per day) move with their messages.
  for (const m of day1) await backdate('messages', 'created_at', { id: m.id }, DAY1)
  for (const m of day2) await backdate('messages', 'created_at', { id: m.id }, DAY2)
  await backdate('analytics_room_days', 'day', { org_id: orgId, room_id: general }, DAY1)
  await backdate('analytics_room_days', 'day', { org_id: orgId, room_id: random }, DAY2)
  await backdate('analytics_room_days', 'day', { org_id: orgId, room_id: dev }, DAY2)
  await backdate('analytics_sender_days', 'day', { org_id: orgId, sender_id: admin.id }, DAY1)
  await backdate('analytics_sender_days', 'day', { org_id: orgId, sender_id: m1.id }, DAY2)
  await backdate('analytics_active_days', 'day', { org_id: orgId, user_id: admin.id }, DAY1)
  await backdate('analytics_active_days', 'day', { org_id: orgId, user_id: m1.id }, DAY2)
  await backdate('analytics_member_joins', 'joined_at', { org_id: orgId, user_id: admin.id }, DAY1)
  for (const m of [m1, m2])
    await backdate('analytics_member_joins', 'joined_at', { org_id: orgId, user_id: m.id }, DAY2)
  await backdate('analytics_active_days', 'day', { org_id: orgId, user_id: m2.id }, DAY2)
  // Another org active on the same day must not show up.
  const other = await createOrg(url)
  const theirs = (await post(url, other.admin, '/rooms', { name: 'general' })).id
  const noise = await post(url, other.admin, '/messages', { room_id: theirs, body: 'elsewhere' })
  await backdate('messages', 'created_at', { id: noise.id }, DAY1)
  await foldAnalytics(knex)
  for (const table of ['analytics_room_days', 'analytics_sender_days', 'analytics_active_days']) {
    await backdate(table, 'day', { org_id: other.orgId }, DAY1)
  }
  return { orgId, admin, m1, m2, general, random, dev }
}

const expected = (f: Fixture) => ({
  org_id: f.orgId,
  from: '2026-01-09',
  to: '2026-01-12',
  days: [
    { day: '2026-01-09', active_users: 0, messages: 0, new_members: 0 },
    { day: DAY1, active_users: 1, messages: 2, new_members: 1 },
    { day: DAY2, active_users: 2, messages: 4, new_members: 2 },
    { day: '2026-01-12', active_users: 0, messages: 0, new_members: 0 }
  ],
  active_users: 3,
  messages: 6,
  new_members: 3,
  busiest_rooms: [
    { room_id: f.random, name: 'random', kind: 'group', messages: 3 },
    { room_id: f.general, name: 'general', kind: 'group', messages: 2 },
    { room_id: f.dev, name: 'dev', kind: 'group', messages: 1 }
  ],
  top_senders: [
    { user_id: f.m1.id, username: f.m1.username, name: nameOf(f.m1), bot: false, messages: 4 },
    { user_id: f.admin.id, username: f.admin.username, name: nameOf(f.admin), bot: false, messages: 2 }
  ],
  totals: { members: 3, rooms: 3, messages: 6 }
})

forEachTransport('analytics', (transport) => {
  let url: string
  let f: Fixture
  const pool = clientPool(transport)
  const analyticsOf = async (account: Account) => (await pool.client(url, account)).service('analytics')

  before(async () => {
    url = sharedServer().url
    f = await buildFixture(url)
  })
  after(() => pool.closeAll())

  it('answers the exact per-day figures, busiest rooms, top senders and totals of the fixture', async () => {
    const report = await (
      await analyticsOf(f.admin)
    ).find({ query: { from: '2026-01-09', to: '2026-01-12' } })
    assertMatches(analyticsSchema, report)
    assert.deepEqual(report, expected(f))
  })

  it('limits the top lists with $limit and a one-day period counts that day only', async () => {
    const service = await analyticsOf(f.admin)
    const top = await service.find({ query: { from: DAY2, to: DAY2, $limit: 1 } })
    assert.deepEqual(top.days, [{ day: DAY2, active_users: 2, messages: 4, new_members: 2 }])
    assert.deepEqual(top.busiest_rooms, [{ room_id: f.random, name: 'random', kind: 'group', messages: 3 }])
    assert.deepEqual(
      top.top_senders.map((s: any) => [s.user_id, s.messages]),
      [[f.m1.id, 4]]
    )
    assert.equal(top.active_users, 2)
  })

  it('a period ends today (UTC) and covers its number of days', async () => {
    const report = await (await analyticsOf(f.admin)).find({ query: { period: '7d' } })
    const today = new Date().toISOString().slice(0, 10)
    assert.equal(report.to, today)
    assert.equal(report.days.length, 7)
    assert.equal(report.days[6].day, today)
    assert.deepEqual(report.totals, { members: 3, rooms: 3, messages: 6 })
  })

  it('refuses MEMBERs and users without an org with 403', async () => {
    await assert.rejects(
      (await analyticsOf(f.m1)).find({ query: { period: '7d' } }),
      (e: any) => e.code === 403 && e.data.code === 'role_required'
    )
    await assert.rejects(
      (await analyticsOf(await register(url))).find({}),
      (e: any) => e.code === 403 && e.data.code === 'no_org'
    )
  })

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['from after to', { from: '2026-01-12', to: '2026-01-09' }, 'analytics_range_inverted'],
    ['a period over 366 days', { from: '2024-01-01', to: '2026-01-01' }, 'analytics_range_too_long'],
    ['from without to', { from: '2026-01-12' }, 'analytics_range_incomplete'],
    [
      'period and from/to',
      { period: '7d', from: '2026-01-09', to: '2026-01-12' },
      'analytics_range_conflict'
    ],
    ['an impossible date', { from: '2026-02-30', to: '2026-03-01' }, 'validation_error'],
    ['a date-time instead of a day', { from: '2026-01-09T00:00:00Z', to: '2026-01-12' }, 'validation_error'],
    ['an unknown period', { period: '5y' }, 'validation_error'],
    ['an unknown field', { org_id: '00000000-0000-4000-8000-000000000000' }, 'validation_error'],
    ['a $limit over 50', { period: '7d', $limit: 51 }, 'validation_error']
  ]
  for (const [title, query, code] of bad) {
    it(`answers 400 ${code} for ${title}`, async () => {
      await assert.rejects(
        (await analyticsOf(f.admin)).find({ query }),
        (e: any) => e.code === 400 && e.data?.code === code
      )
    })
  }
})

describe('analytics of live activity', () => {
  it('counts today’s sends, reads and joins as they happen (folded into the rollups before every report)', async () => {
    const { url } = sharedServer()
    const { admin, orgId } = await createOrg(url)
    const reader = await addMember(url, admin)
    const room = (await post(url, admin, '/rooms', { name: 'live', member_ids: [reader.id] })).id
    await post(url, admin, '/messages', { room_id: room, body: 'one' })
    const second = await post(url, admin, '/messages', { room_id: room, body: 'two' })
    await post(url, reader, '/receipts', { room_id: room, read_seq: second.seq })
    const res = await api(url, 'GET', '/analytics?period=1d', undefined, bearer(admin.accessToken))
    assert.equal(res.status, 200)
    const today = new Date().toISOString().slice(0, 10)
    assert.deepEqual(res.body.days, [{ day: today, active_users: 2, messages: 2, new_members: 2 }])
    assert.deepEqual(res.body.totals, { members: 2, rooms: 1, messages: 2 })
    assert.equal(res.body.org_id, orgId)
    // Deleting a message later does not rewrite history: it was sent.
    await api(url, 'DELETE', `/messages/${second.id}`, undefined, bearer(admin.accessToken))
    const after = await api(url, 'GET', '/analytics?period=1d', undefined, bearer(admin.accessToken))
    assert.equal(after.body.messages, 2)
  })
})

describe('analytics with API keys', () => {
  it('needs the analytics:read scope and reports the key’s own org', async () => {
    const { url } = sharedServer()
    const { admin, orgId } = await createOrg(url)
    const allowed = await newKey(url, admin, ['analytics:read'])
    const res = await api(url, 'GET', '/analytics?period=1d', undefined, withKey(allowed.key))
    assert.equal(res.status, 200)
    assert.equal(res.body.org_id, orgId)
    assert.deepEqual(res.body.totals, { members: 1, rooms: 0, messages: 0 })
    // A key's bot posting: its messages count and it shows among the top senders as a bot, never as a
    // member or an active user.
    const poster = await newKey(url, admin, ['messages:write'], 'poster')
    const room = (await post(url, admin, '/rooms', { name: 'bots', member_ids: [poster.bot_user_id] })).id
    const sent = await api(url, 'POST', '/messages', { room_id: room, body: 'beep' }, withKey(poster.key))
    assert.equal(sent.status, 201, JSON.stringify(sent.body))
    const report = (await api(url, 'GET', '/analytics?period=1d', undefined, withKey(allowed.key))).body
    assert.deepEqual(report.totals, { members: 1, rooms: 1, messages: 1 })
    assert.equal(report.active_users, 0) // the bot sent, but bots are not people; the admin neither sent nor read
    assert.deepEqual(
      report.top_senders.map((s: any) => [s.user_id, s.bot, s.messages]),
      [[poster.bot_user_id, true, 1]]
    )
    const other = await newKey(url, admin, ['audit:read'])
    const denied = await api(url, 'GET', '/analytics?period=1d', undefined, withKey(other.key))
    assert.equal(denied.status, 403)
    assert.equal(denied.body.data.code, 'scope_missing')
  })
})
