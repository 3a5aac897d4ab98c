// Presence's offline grace, with the Redis store and the in-memory one: a socket that closes and comes back
// within presence.offlineGraceMs announces nothing to the org; one that stays away goes offline after it, last
// seen when it closed; a logout is offline at once; and notifications already treat the closed socket as gone.
import assert from 'node:assert/strict'
import type { Application } from '../../src/declarations'
import { presenceOf } from '../../src/realtime/presence'
import { socketOf } from '../../src/realtime/sockets'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { record } from '../helpers/events'
import { eventually } from '../webhooks/receiver'

const GRACE = 3000
const CONFIG = { presence: { ttlMs: 60000, sweepMs: 30, offlineGraceMs: GRACE } }

// Resolves once the server has handled the close of this client's socket.
const closeOnServer = (app: Application, tc: TestClient) => {
  const id = tc.socket!.id
  const handled = new Promise<void>((resolve) => {
    const onDisconnect = (connection: unknown) => {
      if (socketOf(connection)?.id !== id) return
      app.off('disconnect', onDisconnect)
      resolve()
    }
    app.on('disconnect', onDisconnect)
  })
  tc.close()
  return handled
}

const is = (userId: string, status: 'online' | 'offline') => (r: any) =>
  r.path === 'presence' && r.data.user_id === userId && r.data.status === status

for (const backend of ['redis', 'memory'] as const) {
  describe(`realtime presence: offline grace [${backend}]`, () => {
    let server: TestServer
    const open: TestClient[] = []
    const connect = async (account: Account) => {
      const tc = await clientFor(server.url, 'socketio', account)
      open.push(tc)
      return tc
    }
    const watch = async (account: Account) => {
      const tc = await connect(account)
      return record(tc.client, ['presence'], ['patched'])
    }
    // An org whose admin watches presence, with Bob and Carol online on a socket each.
    const bobAndCarolOnline = async () => {
      const { admin } = await createOrg(server.url)
      const [bob, carol] = [await addMember(server.url, admin), await addMember(server.url, admin)]
      const events = await watch(admin)
      const [bobTc, carolTc] = [await connect(bob), await connect(carol)]
      await events.waitFor(is(bob.id, 'online'))
      await events.waitFor(is(carol.id, 'online'))
      return { bob, carol, bobTc, carolTc, events }
    }
    before(async () => {
      server = await startServer({ ...CONFIG, ...(backend === 'memory' ? { redisUrl: '' } : {}) })
    })
    after(async () => {
      open.splice(0).forEach((tc) => tc.close())
      await server.stop()
    })

    it('announces nothing when a socket closes and the user is back within the grace period', async () => {
      const { bob, carol, bobTc, carolTc, events } = await bobAndCarolOnline()

      await closeOnServer(server.app, bobTc)
      await connect(bob)
      // Marker: Carol closes after Bob did and stays away; by her offline, Bob's closed socket had expired too.
      await closeOnServer(server.app, carolTc)
      await events.waitFor(is(carol.id, 'offline'), 15000)
      assert.equal(events.seen.filter(is(bob.id, 'offline')).length, 0, 'the blip sent Bob offline')
      assert.equal(events.seen.filter(is(bob.id, 'online')).length, 1, 'the blip announced Bob again')
    })

    it('goes offline after the grace period, last seen when the socket closed', async () => {
      const { admin } = await createOrg(server.url)
      const bob = await addMember(server.url, admin)
      const events = await watch(admin)
      const bobTc = await connect(bob)
      await events.waitFor(is(bob.id, 'online'))

      const beforeClose = Date.now()
      await closeOnServer(server.app, bobTc)
      const closed = Date.now()
      const presence = presenceOf(server.app)
      // In the grace period: still online to the org, but no longer connected for notifications.
      await eventually(
        () => presence.connected([bob.id]),
        (live) => !live.has(bob.id),
        GRACE / 2,
        'the closed socket no longer counted as live'
      )
      assert.ok((await presence.statuses([bob.id])).has(bob.id), 'offline before the grace period ended')
      assert.equal(events.seen.filter(is(bob.id, 'offline')).length, 0)

      const offline = await events.waitFor(is(bob.id, 'offline'), 15000)
      const lastSeen = Date.parse(offline.data.last_seen_at)
      assert.ok(lastSeen >= beforeClose && lastSeen <= closed, 'last seen is the moment the socket closed')
      // The server's clock read both: the close (last seen) and the sweep that found it expired.
      assert.ok(Date.now() - lastSeen >= GRACE, 'announced before the grace period ended')
      assert.equal((await presence.statuses([bob.id])).has(bob.id), false)
    })

    it('takes a logout offline at once, without waiting out the grace period', async () => {
      const { bob, carol, bobTc, carolTc, events } = await bobAndCarolOnline()

      // Bob's socket closes first, then Carol logs out: her offline comes first, his only after the grace.
      await closeOnServer(server.app, bobTc)
      await carolTc.client.logout()
      await events.waitFor(is(carol.id, 'offline'))
      assert.equal(
        events.seen.filter(is(bob.id, 'offline')).length,
        0,
        'a closed socket went offline at once'
      )
      await events.waitFor(is(bob.id, 'offline'), 15000)
    })
  })
}
