// The analytics fold: sends are counted into the rollups off the send path, each exactly once however many
// folds run at once, only up to each room's committed last seq, and the job that runs it is declared.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { addMember, api, bearer, createOrg } from '../../helpers/fixtures'
import { foldAnalytics } from '../../../src/services/analytics/fold'
import { jobDefinitions } from '../../../src/jobs/definitions'

const post = async (url: string, token: string, path: string, body: unknown) => {
  const res = await api(url, 'POST', path, body, bearer(token))
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

describe('analytics fold', () => {
  let url: string
  before(() => {
    url = sharedServer().url
  })

  const rollups = async (orgId: string) => {
    const db = sharedServer().app.get('postgresqlClient')
    const sum = async (table: string) =>
      Number((await db(table).where({ org_id: orgId }).sum({ n: 'messages' }))[0].n ?? 0)
    return { rooms: await sum('analytics_room_days'), senders: await sum('analytics_sender_days') }
  }

  it('counts nothing at send time and every send exactly once, with folds racing', async () => {
    const db = sharedServer().app.get('postgresqlClient')
    const { admin, orgId } = await createOrg(url)
    const member = await addMember(url, admin)
    const room = (await post(url, admin.accessToken, '/rooms', { name: 'fold', member_ids: [member.id] })).id
    await foldAnalytics(db)
    for (let i = 0; i < 5; i++) {
      await post(url, admin.accessToken, '/messages', { room_id: room, body: `a${i}` })
      await post(url, member.accessToken, '/messages', { room_id: room, body: `m${i}` })
    }
    // The send path no longer writes the rollups: until a fold, they are where they were.
    assert.deepEqual(await rollups(orgId), { rooms: 0, senders: 0 })
    const counted = await Promise.all([1, 2, 3].map(() => foldAnalytics(db, orgId)))
    assert.equal(
      counted.reduce((a, b) => a + b, 0),
      10
    )
    assert.deepEqual(await rollups(orgId), { rooms: 10, senders: 10 })
    const active = await db('analytics_active_days').where({ org_id: orgId }).pluck('user_id')
    assert.deepEqual(active.sort(), [admin.id, member.id].sort())
    // Folding again counts nothing new; the next send is counted once.
    assert.equal(await foldAnalytics(db, orgId), 0)
    await post(url, member.accessToken, '/messages', { room_id: room, body: 'late' })
    assert.equal(await foldAnalytics(db, orgId), 1)
    assert.deepEqual(await rollups(orgId), { rooms: 11, senders: 11 })
  })

  it('is a recurring system job, every analytics.foldEveryMs (off in the tests, so they fold themselves)', () => {
    const job = jobDefinitions.find((definition) => definition.name === 'analytics.fold')
    assert.ok(job?.everyMs, 'analytics.fold is declared with an interval')
    const appWith = (foldEveryMs: number) => ({ get: () => ({ foldEveryMs }) }) as any
    assert.equal(job.everyMs(appWith(60_000)), 60_000)
    assert.equal(job.everyMs(sharedServer().app), 0)
  })
})
