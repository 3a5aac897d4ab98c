// Presence and typing as subscribers see them, with the Redis store and the in-memory one: transitions reach
// the user's org only, once; several devices count as one user; heartbeats and connected sockets stay online
// while silent connections (a crashed process) expire by TTL; across server processes too.
import assert from 'node:assert/strict'
import type { Application } from '../../src/declarations'
import { presenceOf } from '../../src/realtime/presence'
import { socketOf } from '../../src/realtime/sockets'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import type { TestClient, Transport } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { record } from '../helpers/events'

const TTL = 4000
const SHORT = { presence: { ttlMs: TTL, sweepMs: 30 } }

// Resolves once the server has handled the close of this client's socket (server and client ids match).
const serverDisconnect = (app: Application, tc: TestClient) => {
  const id = tc.socket!.id
  return new Promise<void>((resolve) => {
    const onDisconnect = (connection: unknown) => {
      if (socketOf(connection)?.id !== id) return
      app.off('disconnect', onDisconnect)
      resolve()
    }
    app.on('disconnect', onDisconnect)
  })
}

const useClients = () => {
  const open: TestClient[] = []
  const connect = async (url: string, account: Account, transport: Transport = 'socketio') => {
    const tc = await clientFor(url, transport, account)
    open.push(tc)
    return tc
  }
  // A socket that records every presence and typing event it receives.
  const live = async (url: string, account: Account) => {
    const tc = await connect(url, account)
    return { tc, events: record(tc.client, ['presence', 'typing'], ['patched', 'created']) }
  }
  const closeAll = () => open.splice(0).forEach((tc) => tc.close())
  return { connect, live, closeAll }
}

const is = (userId: string, status: 'online' | 'offline') => (r: any) =>
  r.path === 'presence' && r.data.user_id === userId && r.data.status === status

for (const backend of ['redis', 'memory'] as const) {
  describe(`realtime presence [${backend}]`, () => {
    let server: TestServer
    const clients = useClients()
    before(async () => {
      server = await startServer({ ...SHORT, ...(backend === 'memory' ? { redisUrl: '' } : {}) })
      assert.equal(!!server.app.get('redis'), backend === 'redis')
    })
    after(async () => {
      clients.closeAll()
      await server.stop()
    })

    it('announces online and, when the socket closes, offline with last_seen_at to the org only', async () => {
      const { url, app } = server
      const { admin } = await createOrg(url)
      const bob = await addMember(url, admin)
      const stranger = (await createOrg(url)).admin
      const strangersColleague = await addMember(url, stranger)
      const adminLive = await clients.live(url, admin)
      const strangerLive = await clients.live(url, stranger)

      const bobTc = await clients.connect(url, bob)
      const online = await adminLive.events.waitFor(is(bob.id, 'online'))
      assert.deepEqual(Object.keys(online.data).sort(), ['last_seen_at', 'status', 'user_id'])
      const closed = serverDisconnect(app, bobTc)
      bobTc.close()
      await closed
      const offline = await adminLive.events.waitFor(is(bob.id, 'offline'))
      assert.ok(Date.parse(offline.data.last_seen_at) >= Date.parse(online.data.last_seen_at))
      const row = await app.get('postgresqlClient')('users').where({ id: bob.id }).first()
      assert.equal(new Date(row.last_seen_at).toISOString(), offline.data.last_seen_at)
      const page = await adminLive.tc.client.service('presence').find({ query: { user_ids: [bob.id] } })
      assert.deepEqual(page.data, [
        { user_id: bob.id, status: 'offline', last_seen_at: offline.data.last_seen_at }
      ])

      // Marker: the stranger's own colleague coming online reaches them; nothing of the other org did before.
      await clients.connect(url, strangersColleague)
      await strangerLive.events.waitFor(is(strangersColleague.id, 'online'))
      assert.deepEqual(
        strangerLive.events.seen.filter((r) => r.data.user_id === bob.id || r.data.user_id === admin.id),
        []
      )
      assert.equal(adminLive.events.seen.filter((r) => r.data.user_id === strangersColleague.id).length, 0)
    })

    it('keeps a user with two devices online until the last one closes', async () => {
      const { url, app } = server
      const { admin } = await createOrg(url)
      const bob = await addMember(url, admin)
      const carol = await addMember(url, admin)
      const adminLive = await clients.live(url, admin)
      const phone = await clients.connect(url, bob)
      const laptop = await clients.connect(url, bob)
      const carolTc = await clients.connect(url, carol)
      await adminLive.events.waitFor(is(carol.id, 'online'))

      const phoneClosed = serverDisconnect(app, phone)
      phone.close()
      await phoneClosed
      // Marker: Carol leaves after the phone's close was handled; her offline arrives, Bob's never did.
      carolTc.close()
      await adminLive.events.waitFor(is(carol.id, 'offline'))
      assert.equal(
        adminLive.events.seen.filter(is(bob.id, 'offline')).length,
        0,
        'one device closing sent Bob offline'
      )
      assert.equal(
        adminLive.events.seen.filter(is(bob.id, 'online')).length,
        1,
        'the second device announced Bob again'
      )

      laptop.close()
      await adminLive.events.waitFor(is(bob.id, 'offline'))
    })

    it('keeps heartbeating and connected users online while a silent connection expires by TTL', async () => {
      const { url, app } = server
      const { admin } = await createOrg(url)
      const [rester, socketUser, ghost] = [
        await addMember(url, admin),
        await addMember(url, admin),
        await addMember(url, admin)
      ]
      const adminLive = await clients.live(url, admin)

      // Over REST, heartbeats every quarter TTL keep the login session online.
      const rest = (await clients.connect(url, rester, 'rest')).client
      const first = await rest.service('presence').create({})
      assert.equal(first.status, 'online')
      assert.ok(Date.parse(first.expires_at) - Date.now() <= TTL)
      let beating = true
      const heartbeats = (async () => {
        while (beating) {
          await new Promise((resolve) => setTimeout(resolve, TTL / 4))
          if (beating) await rest.service('presence').create({})
        }
      })()
      await adminLive.events.waitFor(is(rester.id, 'online'))
      // A socket that never sends a heartbeat: the server vouches for it while it is connected.
      await clients.connect(url, socketUser)
      await adminLive.events.waitFor(is(socketUser.id, 'online'))
      // A connection nobody refreshes, like one of a crashed process; registered last, so it expires first
      // unless the others are kept alive.
      const registered = Date.now()
      await presenceOf(app).heartbeat(ghost.id, 'ghost-connection')
      await adminLive.events.waitFor(is(ghost.id, 'online'))
      try {
        const gone = await adminLive.events.waitFor(is(ghost.id, 'offline'), TTL * 4)
        assert.ok(Date.now() - registered >= TTL, 'expired before its TTL')
        assert.ok(
          Math.abs(Date.parse(gone.data.last_seen_at) - registered) < 1000,
          'last seen is its last heartbeat'
        )
        const row = await app.get('postgresqlClient')('users').where({ id: ghost.id }).first()
        assert.equal(new Date(row.last_seen_at).toISOString(), gone.data.last_seen_at)
        for (const user of [rester, socketUser]) {
          assert.equal(adminLive.events.seen.filter(is(user.id, 'offline')).length, 0, 'a live user expired')
        }
        const page = await adminLive.tc.client
          .service('presence')
          .find({ query: { user_ids: [rester.id, socketUser.id, ghost.id] } })
        const status = Object.fromEntries(page.data.map((p) => [p.user_id, p.status]))
        assert.deepEqual(status, { [rester.id]: 'online', [socketUser.id]: 'online', [ghost.id]: 'offline' })
      } finally {
        beating = false
        await heartbeats
      }
      // Heartbeats stopped: the REST session expires too.
      await adminLive.events.waitFor(is(rester.id, 'offline'), TTL * 4)
    })
  })
}

describe('realtime presence and typing across server processes [redis]', () => {
  const servers: TestServer[] = []
  const clients = useClients()
  before(async () => {
    servers.push(await startServer(SHORT), await startServer(SHORT))
  })
  after(async () => {
    clients.closeAll()
    await Promise.all(servers.map((s) => s.stop()))
  })

  it('counts devices on different processes as one user and announces to every process', async () => {
    const [one, two] = servers
    const shared = sharedServer()
    const { admin } = await createOrg(one.url)
    const bob = await addMember(one.url, admin)
    const carol = await addMember(one.url, admin)
    const watchOnTwo = await clients.live(two.url, admin)
    const watchOnShared = await clients.live(shared.url, admin)
    const phone = await clients.connect(one.url, bob)
    const laptop = await clients.connect(two.url, bob)
    const carolTc = await clients.connect(one.url, carol)
    await watchOnTwo.events.waitFor(is(carol.id, 'online'))
    await watchOnShared.events.waitFor(is(bob.id, 'online'))

    const phoneClosed = serverDisconnect(one.app, phone)
    phone.close()
    await phoneClosed
    carolTc.close()
    await watchOnTwo.events.waitFor(is(carol.id, 'offline'))
    assert.equal(watchOnTwo.events.seen.filter(is(bob.id, 'offline')).length, 0)
    assert.equal(watchOnTwo.events.seen.filter(is(bob.id, 'online')).length, 1)

    laptop.close()
    await watchOnShared.events.waitFor(is(bob.id, 'offline'))
    await watchOnTwo.events.waitFor(is(bob.id, 'offline'))
  })

  it('announces each expired connection once although every process sweeps', async () => {
    const [one, two] = servers
    const { admin } = await createOrg(one.url)
    const ghosts = [
      await addMember(one.url, admin),
      await addMember(one.url, admin),
      await addMember(one.url, admin)
    ]
    const last = await addMember(one.url, admin)
    const watch = await clients.live(two.url, admin)
    const store = presenceOf(one.app).store
    const now = Date.now()
    for (const ghost of ghosts) await store.touch(ghost.id, ['crashed'], now + 100, now)
    // The marker expires after the others, so once it is announced the others have been too.
    await store.touch(last.id, ['crashed'], now + 400, now)
    await watch.events.waitFor(is(last.id, 'offline'))
    for (const ghost of ghosts)
      assert.equal(watch.events.seen.filter(is(ghost.id, 'offline')).length, 1, 'announced twice')
  })

  it('sends typing from one process to room members on another, throttled across processes', async () => {
    const [one, two] = servers
    const { admin } = await createOrg(one.url)
    const bob = await addMember(one.url, admin)
    const onOne = (await clients.connect(one.url, admin, 'rest')).client
    const onTwo = (await clients.connect(two.url, admin, 'rest')).client
    const room = await onOne.service('rooms').create({ name: 'Spread', member_ids: [bob.id] })
    const bobLive = await clients.live(two.url, bob)
    await onOne.service('typing').create({ room_id: room.id })
    await onTwo.service('typing').create({ room_id: room.id })
    await onOne.service('typing').create({ room_id: room.id })
    await onTwo.service('typing').create({ room_id: room.id, stopped: true })
    await bobLive.events.waitFor((r) => r.path === 'typing' && r.data.stopped === true)
    const started = bobLive.events.seen.filter((r) => r.path === 'typing' && !r.data.stopped)
    assert.equal(started.length, 1, 'a burst through two processes was broadcast more than once')
  })
})
