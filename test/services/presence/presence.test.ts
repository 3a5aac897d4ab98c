// The presence service over REST and Socket.IO: a heartbeat makes the caller online (ended by logout), find
// lists only users of the caller's org, and bad input, outsiders and API keys are refused with clear errors.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg, register } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { newKey, withKey } from '../api-keys/helpers'
import { heartbeatSchema, presenceSchema } from '../../../src/services/presence/presence.schema'
import { assertMatches, assertPageMatches } from '../../helpers/schemas'

forEachTransport('presence', (transport) => {
  let url: string
  const open: TestClient[] = []
  const connect = async (account: Account, via = transport) => {
    const tc = await clientFor(url, via, account)
    open.push(tc)
    return tc
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.splice(0).forEach((tc) => tc.close()))

  it('puts the caller online with a heartbeat until they log out', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const watcher = await connect(admin, 'socketio')
    const events = record(watcher.client, ['presence'], ['patched'])
    const bobClient = (await connect(bob)).client

    const beat = await bobClient.service('presence').create({})
    assertMatches(heartbeatSchema, beat)
    assert.deepEqual(Object.keys(beat).sort(), ['expires_at', 'status', 'user_id'])
    assert.equal(beat.user_id, bob.id)
    assert.equal(beat.status, 'online')
    const ttl = Date.parse(beat.expires_at) - Date.now()
    assert.ok(ttl > 50000 && ttl <= 60000, `about a minute, got ${ttl} ms`)
    await events.waitFor((r) => r.data.user_id === bob.id && r.data.status === 'online')
    // A second heartbeat is no transition: nothing more is announced for it.
    await bobClient.service('presence').create({})
    let page = await watcher.client.service('presence').find({ query: { user_ids: [bob.id] } })
    assertPageMatches(presenceSchema, page)
    assert.equal(page.data[0].status, 'online')

    await bobClient.logout()
    const offline = await events.waitFor((r) => r.data.user_id === bob.id && r.data.status === 'offline')
    assert.equal(events.seen.filter((r) => r.data.user_id === bob.id && r.data.status === 'online').length, 1)
    page = await watcher.client.service('presence').find({ query: { user_ids: [bob.id] } })
    assert.deepEqual(page.data, [
      { user_id: bob.id, status: 'offline', last_seen_at: offline.data.last_seen_at }
    ])
  })

  it("lists statuses of the caller's org only, paginated", async () => {
    const { admin } = await createOrg(url)
    const members = [await addMember(url, admin), await addMember(url, admin), await addMember(url, admin)]
    const stranger = (await createOrg(url)).admin
    const a = (await connect(admin)).client
    await a.service('presence').create({})

    const all = await a.service('presence').find({})
    assertPageMatches(presenceSchema, all)
    assert.equal(all.total, 4)
    assert.deepEqual(all.data.map((p) => p.user_id).sort(), [admin.id, ...members.map((m) => m.id)].sort())
    const mine = all.data.find((p) => p.user_id === admin.id)!
    assert.equal(mine.status, 'online')
    for (const p of all.data.filter((p) => p.user_id !== admin.id))
      assert.deepEqual(p, { user_id: p.user_id, status: 'offline', last_seen_at: null })

    const first = await a.service('presence').find({ query: { $limit: 2 } })
    const rest = await a.service('presence').find({ query: { $limit: 2, $skip: 2 } })
    assert.equal(first.total, 4)
    assert.deepEqual(
      [...first.data, ...rest.data].map((p) => p.user_id).sort(),
      all.data.map((p) => p.user_id).sort()
    )

    // Ids of other orgs (and unknown ids) are left out, never confirmed.
    const some = await a
      .service('presence')
      .find({ query: { user_ids: [members[0].id, stranger.id, crypto.randomUUID()] } })
    assert.deepEqual(
      some.data.map((p) => p.user_id),
      [members[0].id]
    )
    assert.equal(some.total, 1)
    // Query strings: one id as a plain parameter, and more ids than qs keeps as an array (20).
    const single = await api(
      url,
      'GET',
      `/presence?user_ids=${members[1].id}`,
      undefined,
      bearer(admin.accessToken)
    )
    assert.deepEqual(
      single.body.data.map((p: any) => p.user_id),
      [members[1].id]
    )
    const many = [...Array.from({ length: 30 }, () => crypto.randomUUID()), members[2].id]
    assert.deepEqual(
      (await a.service('presence').find({ query: { user_ids: many } })).data.map((p) => p.user_id),
      [members[2].id]
    )
    const theirs = await (await connect(stranger)).client.service('presence').find({})
    assert.deepEqual(
      theirs.data.map((p) => p.user_id),
      [stranger.id]
    )
  })

  it('refuses bad input, users without an org, API keys and anonymous callers', async () => {
    const { admin } = await createOrg(url)
    const a = (await connect(admin)).client
    const invalid = (e: any) => e.name === 'BadRequest' && e.data?.code === 'validation_error'
    await assert.rejects(a.service('presence').create({ status: 'online' } as any), invalid)
    await assert.rejects(a.service('presence').find({ query: { user_ids: ['nope'] } }), invalid)
    await assert.rejects(a.service('presence').find({ query: { org_id: admin.org_id } as any }), invalid)
    const tooMany = Array.from({ length: 101 }, () => crypto.randomUUID())
    await assert.rejects(a.service('presence').find({ query: { user_ids: tooMany } }), invalid)

    const loner = (await connect(await register(url))).client
    await assert.rejects(
      loner.service('presence').find({}),
      (e: any) => e.name === 'Forbidden' && e.data?.code === 'no_org'
    )

    const key = await newKey(url, admin, ['users:read'])
    for (const [method, path, body] of [
      ['GET', '/presence', undefined],
      ['POST', '/presence', {}]
    ] as const) {
      const byKey = await api(url, method, path, body, withKey(key.key))
      assert.equal(byKey.status, 403)
      assert.equal(byKey.body.data.code, 'scope_missing')
      assert.equal((await api(url, method, path, body)).status, 401)
    }
    assert.equal((await api(url, 'GET', '/presence', undefined, bearer(admin.accessToken))).status, 200)
  })
})
