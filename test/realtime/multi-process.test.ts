// Realtime across server processes: two real processes (A and B) share PostgreSQL and Redis; whatever
// happens through one reaches the right clients on the other, and membership changes move channels at once.
import { randomUUID } from 'node:crypto'
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { joinChannels, leaveChannels } from '../../src/realtime/membership'
import { roomChannel } from '../../src/realtime/channel-names'
import { sharedServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg, uniq } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { record } from '../helpers/events'
import { startProcesses, stopProcesses } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'

type Events = ReturnType<typeof record>

const PATHS = ['rooms', 'members', 'messages', 'users']

// What a subscriber gets: the caller's result without the sender-only delivery summary.
const shared = (message: any) => {
  const { delivery, ...rest } = message
  void delivery
  return rest
}

describe('realtime: two server processes', function () {
  this.timeout(60000)
  let A: ServerProcess
  let B: ServerProcess
  const open: TestClient[] = []

  const rest = async (server: { url: string }, account: Account): Promise<ClientApplication> => {
    const tc = await clientFor(server.url, 'rest', account)
    open.push(tc)
    return tc.client
  }
  const live = async (server: { url: string }, account: Account): Promise<Events> => {
    const tc = await clientFor(server.url, 'socketio', account)
    open.push(tc)
    return record(tc.client, PATHS)
  }
  // Absence proof: the user's own profile change reaches only their devices (and their org). Once it arrived,
  // anything published to them before it would have arrived first.
  const marker = async (server: { url: string }, who: Account, devices: Events[]) => {
    const name = uniq('Marker ')
    await (await rest(server, who)).service('users').patch(who.id, { name })
    await Promise.all(
      devices.map((d) => d.waitFor((r) => r.path === 'users' && r.data.id === who.id && r.data.name === name))
    )
  }
  // Waits for one event of a service on a client.
  const on = (events: Events, path: string, event: string, match: (data: any) => boolean) =>
    events.waitFor((r) => r.path === path && r.event === event && match(r.data))
  const about = (events: Events, roomId: string) =>
    events.seen.filter((r) => (r.path === 'rooms' ? r.data.id : r.data.room_id) === roomId)

  before(async function () {
    this.timeout(120000)
    ;[A, B] = await startProcesses(2)
  })
  after(async () => {
    open.forEach((tc) => tc.close())
    if (A || B) await stopProcesses([A, B].filter(Boolean))
  })
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      for (const p of [A, B]) if (p?.output()) console.error(`--- process ${p.url} output:\n${p.output()}`)
    }
  })

  for (const [here, there] of [
    ['A', 'B'],
    ['B', 'A']
  ] as const) {
    it(`a client on ${here} receives every room event made through ${there}`, async () => {
      const near = here === 'A' ? A : B
      const far = here === 'A' ? B : A
      const { admin } = await createOrg(far.url)
      const bob = await addMember(far.url, admin)
      const carol = await addMember(far.url, admin)
      const bobLive = await live(near, bob)
      const owner = await rest(far, admin)

      const room = await owner.service('rooms').create({ name: 'Across', member_ids: [bob.id] })
      const created = await on(bobLive, 'rooms', 'created', (d) => d.id === room.id)
      assert.equal(created.data.name, 'Across')
      assert.equal(created.data.my_role, undefined, 'a room event carried personal fields')

      const sent = await owner.service('messages').create({ room_id: room.id, body: 'hello from far' })
      const got = await on(bobLive, 'messages', 'created', (d) => d.id === sent.id)
      assert.deepEqual(got.data, shared(sent))

      const edited = await owner.service('messages').patch(sent.id, { body: 'edited far' })
      const gotEdit = await on(
        bobLive,
        'messages',
        'patched',
        (d) => d.id === sent.id && d.body === 'edited far'
      )
      assert.deepEqual(gotEdit.data, shared(edited))

      const unsent = await owner.service('messages').patch(sent.id, { unsent: true })
      const gotUnsend = await on(bobLive, 'messages', 'patched', (d) => d.id === sent.id && d.unsent_at)
      assert.deepEqual(gotUnsend.data, shared(unsent))

      const doomed = await owner.service('messages').create({ room_id: room.id, body: 'to be deleted' })
      const deleted = await owner.service('messages').remove(doomed.id)
      const gotDelete = await on(bobLive, 'messages', 'removed', (d) => d.id === doomed.id)
      assert.deepEqual(gotDelete.data, shared(deleted))

      await owner.service('rooms').patch(room.id, { name: 'Across renamed', topic: 'far topic' })
      const gotRoom = await on(bobLive, 'rooms', 'patched', (d) => d.id === room.id)
      assert.equal(gotRoom.data.name, 'Across renamed')
      assert.equal(gotRoom.data.topic, 'far topic')

      const added = await owner.service('members').create({ room_id: room.id, user_id: carol.id })
      const gotAdd = await on(bobLive, 'members', 'created', (d) => d.id === added.id)
      assert.deepEqual(gotAdd.data, added)
      const promoted = await owner.service('members').patch(added.id, { role: 'admin' })
      const gotRole = await on(bobLive, 'members', 'patched', (d) => d.role === 'admin')
      assert.deepEqual(gotRole.data, promoted)
      await owner.service('members').remove(added.id)
      const gotRemove = await on(bobLive, 'members', 'removed', (d) => d.id === added.id)
      assert.equal(gotRemove.data.user_id, carol.id)
      // Each event arrived exactly once (one broadcast, not one per process).
      const ids = about(bobLive, room.id).map((r) => `${r.path} ${r.event} ${r.data.id} ${r.data.updated_at}`)
      assert.deepEqual(ids, [...new Set(ids)], 'an event arrived twice')
    })
  }

  it('a member kicked on B stops receiving the room on every process at once', async () => {
    const { admin } = await createOrg(A.url)
    const alice = await addMember(A.url, admin)
    const carol = await addMember(A.url, admin)
    // Alice and Carol each have a device on both processes.
    const aliceA = await live(A, alice)
    const aliceB = await live(B, alice)
    const carolA = await live(A, carol)
    const carolB = await live(B, carol)
    const ownerA = await rest(A, admin)
    const ownerB = await rest(B, admin)
    const room = await ownerA.service('rooms').create({ name: 'Kick', member_ids: [alice.id, carol.id] })
    const before = await ownerA.service('messages').create({ room_id: room.id, body: 'before the kick' })
    for (const d of [aliceA, aliceB, carolA, carolB])
      await d.waitFor((r) => r.path === 'messages' && r.data.id === before.id)

    const query = { room_id: room.id, user_id: carol.id }
    const [carolMember] = (await ownerB.service('members').find({ query })).data
    await ownerB.service('members').remove(carolMember.id)
    // Straight after the kick: a message through B (the kicking process) and one through A, an edit, a room
    // rename. Each reaches Alice's devices on both processes; none reaches Carol's.
    const send = (owner: ClientApplication, body: string) =>
      owner.service('messages').create({ room_id: room.id, body })
    const afterB = await send(ownerB, 'after the kick, via B')
    const afterA = await send(ownerA, 'after the kick, via A')
    await ownerB.service('messages').patch(before.id, { body: 'edited after the kick' })
    await ownerA.service('rooms').patch(room.id, { name: 'Kick renamed' })
    for (const d of [aliceA, aliceB]) {
      await d.waitFor((r) => r.path === 'messages' && r.data.id === afterB.id)
      await d.waitFor((r) => r.path === 'messages' && r.data.id === afterA.id)
      await d.waitFor((r) => r.path === 'messages' && r.data.body === 'edited after the kick')
      await d.waitFor((r) => r.path === 'rooms' && r.data.name === 'Kick renamed')
    }
    await marker(B, carol, [carolA, carolB])
    for (const d of [carolA, carolB]) {
      const removed = d.seen.filter((r) => r.event === 'removed' && r.data.user_id === carol.id)
      assert.equal(removed.length, 1, 'the kicked member did not learn of the kick')
      const since = d.seen.indexOf(removed[0])
      assert.deepEqual(
        about(d, room.id).filter((r) => d.seen.indexOf(r) > since),
        [],
        'a kicked member received the room after the kick'
      )
    }
  })

  it('a user added on B receives the room on A at once, without reconnecting', async () => {
    const { admin } = await createOrg(B.url)
    const dave = await addMember(B.url, admin)
    const daveA = await live(A, dave)
    const daveB = await live(B, dave)
    const ownerA = await rest(A, admin)
    const ownerB = await rest(B, admin)
    const room = await ownerA.service('rooms').create({ name: 'Late joiner' })
    const earlier = await ownerA.service('messages').create({ room_id: room.id, body: 'before dave' })

    const added = await ownerB.service('members').create({ room_id: room.id, user_id: dave.id })
    const viaA = await ownerA.service('messages').create({ room_id: room.id, body: 'welcome, via A' })
    const viaB = await ownerB.service('messages').create({ room_id: room.id, body: 'welcome, via B' })
    await ownerA.service('messages').patch(earlier.id, { body: 'edited for dave' })
    await ownerB.service('rooms').patch(room.id, { topic: 'dave is here' })
    for (const d of [daveA, daveB]) {
      await d.waitFor((r) => r.path === 'members' && r.event === 'created' && r.data.id === added.id)
      await d.waitFor((r) => r.path === 'messages' && r.data.id === viaA.id)
      await d.waitFor((r) => r.path === 'messages' && r.data.id === viaB.id)
      await on(d, 'messages', 'patched', (m) => m.id === earlier.id && m.body === 'edited for dave')
      await d.waitFor((r) => r.path === 'rooms' && r.data.topic === 'dave is here')
      // Nothing from before the join is replayed: history is fetched, not pushed.
      assert.ok(!d.seen.some((r) => r.event === 'created' && r.data.id === earlier.id), 'history was pushed')
    }
  })

  // The Redis adapter applies a non-local join/leave on its own process only when its request comes back
  // through Redis; channel changes must hold on the calling process before the very next broadcast.
  it('joins and leaves hold on the calling process before the next broadcast', async () => {
    const server = sharedServer()
    const { app } = server
    const { admin } = await createOrg(server.url)
    const carol = await addMember(server.url, admin)
    const dave = await addMember(server.url, admin)
    const carolLive = await live(server, carol)
    const daveLive = await live(server, dave)
    const owner = await rest(server, admin)
    const room = await owner.service('rooms').create({ name: 'Probe', member_ids: [carol.id] })
    await carolLive.waitFor((r) => r.path === 'rooms' && r.data.id === room.id)

    // Same tick: change the channels, then broadcast, as a service does when its next call publishes.
    leaveChannels(app, carol.id, [roomChannel(room.id)])
    joinChannels(app, dave.id, [roomChannel(room.id)])
    // A well-formed message payload (every received event is checked against the catalogue), never stored.
    const probe = {
      id: randomUUID(),
      org_id: room.org_id,
      room_id: room.id,
      seq: 999,
      sender_id: admin.id,
      body: 'probe',
      kind: 'text',
      upload_id: null,
      mentions: [],
      client_msg_id: null,
      client_sent_at: null,
      created_at: new Date().toISOString(),
      edited_at: null,
      unsent_at: null,
      deleted_at: null,
      updated_at: new Date().toISOString()
    }
    app.io.to(roomChannel(room.id)).emit('messages created', probe)
    await daveLive.waitFor((r) => r.path === 'messages' && r.data.id === probe.id)
    await marker(server, carol, [carolLive])
    assert.deepEqual(
      carolLive.seen.filter((r) => r.data.id === probe.id),
      [],
      'a left channel still delivered'
    )
  })

  it('presence and typing cross processes: online on A is seen on B, offline only when the last device goes', async () => {
    const { admin } = await createOrg(A.url)
    const alice = await addMember(A.url, admin)
    const bob = await addMember(A.url, admin)
    const bobTc = await clientFor(B.url, 'socketio', bob)
    open.push(bobTc)
    const bobSees = record(bobTc.client, ['presence', 'typing', 'users'], ['created', 'patched'])
    const aliceStatuses = () =>
      bobSees.seen.filter((r) => r.path === 'presence' && r.data.user_id === alice.id)

    const aliceA = await clientFor(A.url, 'socketio', alice)
    open.push(aliceA)
    const online = await on(
      bobSees,
      'presence',
      'patched',
      (d) => d.user_id === alice.id && d.status === 'online'
    )
    assert.ok(Date.parse(online.data.last_seen_at) > 0)
    const aliceB = await clientFor(B.url, 'socketio', alice)
    open.push(aliceB)
    const aliceHearsA = record(aliceA.client, ['typing'], ['created'])
    const aliceHearsB = record(aliceB.client, ['typing'], ['created'])

    // Typing in a shared room, through either process, reaches the other's devices wherever they are.
    const owner = await rest(A, admin)
    const room = await owner.service('rooms').create({ name: 'Live', member_ids: [alice.id, bob.id] })
    await (await rest(A, alice)).service('typing').create({ room_id: room.id })
    const typing = await on(
      bobSees,
      'typing',
      'created',
      (d) => d.room_id === room.id && d.user_id === alice.id
    )
    assert.ok(Date.parse(typing.data.expires_at) > Date.now())
    await bobTc.client.service('typing').create({ room_id: room.id })
    for (const hears of [aliceHearsA, aliceHearsB])
      await hears.waitFor((r) => r.data.room_id === room.id && r.data.user_id === bob.id)

    // Closing the device on A leaves Alice online (her device on B); closing the one on B takes her offline.
    aliceA.close()
    const statuses = await bobTc.client.service('presence').find({ query: { user_ids: [alice.id] } })
    assert.equal(statuses.data[0]?.status, 'online')
    aliceB.close()
    const offline = await on(
      bobSees,
      'presence',
      'patched',
      (d) => d.user_id === alice.id && d.status === 'offline'
    )
    assert.ok(Date.parse(offline.data.last_seen_at) >= Date.parse(online.data.last_seen_at))
    await marker(B, bob, [bobSees])
    assert.deepEqual(
      aliceStatuses().map((r) => r.data.status),
      ['online', 'offline'],
      'presence flapped across processes'
    )
  })
})
