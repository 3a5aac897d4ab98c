// Typing over REST and Socket.IO: members' indicators reach the room and nobody else, non-members get a 404,
// archived rooms a 403, and a chatty client gets at most one broadcast per user and room per interval.
import assert from 'node:assert/strict'
import { sharedServer, startServer } from '../../helpers/server'
import type { TestServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { addMember, api, clientFor, createOrg, register } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { newKey, withKey } from '../api-keys/helpers'

forEachTransport('typing', (transport) => {
  let url: string
  const open: TestClient[] = []
  const client = async (account: Account, via = transport, at = url) => {
    const tc = await clientFor(at, via, account)
    open.push(tc)
    return tc.client
  }
  // Every typing event one user's socket receives, in order.
  const live = async (account: Account, at = url) =>
    record(await client(account, 'socketio', at), ['typing'], ['created'])
  before(() => {
    url = sharedServer().url
  })
  after(() => open.splice(0).forEach((tc) => tc.close()))

  it('reaches the other members of the room and nobody else', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const eve = await addMember(url, admin)
    const stranger = (await createOrg(url)).admin
    const a = await client(admin)
    const room = await a.service('rooms').create({ name: 'Typing', member_ids: [bob.id] })
    const bobLive = await live(bob)
    const eveLive = await live(eve)
    const strangerLive = await live(stranger)

    const before = Date.now()
    const answer = await a.service('typing').create({ room_id: room.id })
    assert.equal(answer.room_id, room.id)
    assert.equal(answer.user_id, admin.id)
    assert.equal(answer.stopped, undefined)
    const after = Date.now()
    // Bounded by when the request was sent and when its answer came, however slow the machine.
    const expires = Date.parse(answer.expires_at)
    assert.ok(
      expires - before >= 4900 && expires - after <= 5000,
      `expires 5 s after the call, got ${expires - before} ms`
    )
    const got = await bobLive.waitFor((r) => r.data.room_id === room.id && r.data.user_id === admin.id)
    assert.deepEqual(got.data, answer)

    // Markers: an indicator in a room each outsider is in arrives; the first one never did before it.
    const dm = await (await client(bob)).service('rooms').create({ kind: 'dm', user_id: eve.id })
    await (await client(bob)).service('typing').create({ room_id: dm.id })
    await eveLive.waitFor((r) => r.data.room_id === dm.id)
    const solo = await (await client(stranger)).service('rooms').create({ name: 'Alone' })
    await (await client(stranger)).service('typing').create({ room_id: solo.id })
    await strangerLive.waitFor((r) => r.data.room_id === solo.id)
    for (const events of [eveLive, strangerLive]) {
      assert.deepEqual(
        events.seen.filter((r) => r.data.room_id === room.id),
        [],
        'an outsider received a typing event'
      )
    }
  })

  it('answers 404 to non-members, 403 in archived rooms, 400 to bad input', async () => {
    const { admin } = await createOrg(url)
    const eve = await addMember(url, admin)
    const stranger = (await createOrg(url)).admin
    const loner = await register(url)
    const a = await client(admin)
    const room = await a.service('rooms').create({ name: 'Members only' })
    const notFound = (e: any) => e.name === 'NotFound' && e.data?.code === 'not_found'
    await assert.rejects((await client(eve)).service('typing').create({ room_id: room.id }), notFound)
    await assert.rejects((await client(stranger)).service('typing').create({ room_id: room.id }), notFound)
    await assert.rejects(a.service('typing').create({ room_id: crypto.randomUUID() }), notFound)
    await assert.rejects(
      (await client(loner)).service('typing').create({ room_id: room.id }),
      (e: any) => e.data?.code === 'no_org'
    )
    for (const bad of [
      {},
      { room_id: 'nope' },
      { room_id: room.id, stopped: false },
      { room_id: room.id, extra: 1 }
    ]) {
      await assert.rejects(
        a.service('typing').create(bad as any),
        (e: any) => e.name === 'BadRequest' && e.data?.code === 'validation_error'
      )
    }
    const key = await newKey(url, admin, ['rooms:read', 'messages:write'])
    const byKey = await api(url, 'POST', '/typing', { room_id: room.id }, withKey(key.key))
    assert.equal(byKey.status, 403)
    assert.equal(byKey.body.data.code, 'scope_missing')
    const noAuth = await api(url, 'POST', '/typing', { room_id: room.id })
    assert.equal(noAuth.status, 401)

    await a.service('rooms').patch(room.id, { archived: true })
    await assert.rejects(
      a.service('typing').create({ room_id: room.id }),
      (e: any) => e.name === 'Forbidden' && e.data?.code === 'room_archived'
    )
  })

  it('broadcasts at most once per user and room per interval, and lets "stopped" through', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const a = await client(admin)
    const room = await a.service('rooms').create({ name: 'Chatty', member_ids: [bob.id] })
    const bobLive = await live(bob)
    const fromAdmin = (r: any) => r.data.room_id === room.id && r.data.user_id === admin.id

    // A burst well inside one second: every call answers, one broadcast goes out.
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => a.service('typing').create({ room_id: room.id }))
    )
    assert.equal(answers.length, 6)
    answers.forEach((answer) => assert.equal(answer.user_id, admin.id))
    // Bob's own indicator in the same room is not held back by the admin's throttle.
    await (await client(bob)).service('typing').create({ room_id: room.id })
    const stop = await a.service('typing').create({ room_id: room.id, stopped: true })
    assert.equal(stop.stopped, true)
    await bobLive.waitFor((r) => fromAdmin(r) && r.data.stopped === true)
    assert.equal(
      bobLive.seen.filter((r) => fromAdmin(r) && !r.data.stopped).length,
      1,
      'the burst was broadcast more than once'
    )
    assert.equal(bobLive.seen.filter((r) => r.data.user_id === bob.id).length, 1)

    // After "stopped", typing again shows at once.
    const again = await a.service('typing').create({ room_id: room.id })
    await bobLive.waitFor((r) => fromAdmin(r) && !r.data.stopped && r.data.expires_at === again.expires_at)
  })

  describe('with a short interval', () => {
    let server: TestServer
    before(async () => {
      server = await startServer({ typing: { ttlMs: 2000, minIntervalMs: 150 } })
    })
    after(async () => {
      open.splice(0).forEach((tc) => tc.close())
      await server.stop()
    })

    it('broadcasts again once the interval has passed', async () => {
      const { admin } = await createOrg(server.url)
      const bob = await addMember(server.url, admin)
      const a = await client(admin, transport, server.url)
      const room = await a.service('rooms').create({ name: 'Later', member_ids: [bob.id] })
      const bobLive = await live(bob, server.url)
      const first = await a.service('typing').create({ room_id: room.id })
      assert.equal(Date.parse(first.expires_at) - Date.now() <= 2000, true)
      await bobLive.waitFor((r) => r.data.room_id === room.id)
      // Keep typing (a call every 20 ms) until the second broadcast; bounded by waitFor's timeout.
      let typing = true
      const keystrokes = (async () => {
        while (typing) {
          await a.service('typing').create({ room_id: room.id })
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      })()
      try {
        await bobLive.waitFor(
          (r) => r.data.room_id === room.id && r.data.expires_at !== first.expires_at,
          3000
        )
      } finally {
        typing = false
        await keystrokes
      }
      const times = bobLive.seen.map((r) => Date.parse(r.data.expires_at))
      assert.ok(times[1] - times[0] >= 150, `two broadcasts ${times[1] - times[0]} ms apart`)
    })
  })
})
