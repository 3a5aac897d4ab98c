// Zulip's verify_action for room actions: the actor on two Socket.IO devices, another member and an outsider (same
// org, not in the room) watch while one action runs; every event each device received up to a marker that all of
// them receive afterwards is counted by name, exactly (a marker room message, sent once trigger and outbox work
// has settled: one process delivers a socket's events in order, so nothing of the action can come after it).
// Then a member's state before + the events == a fresh fetch of the room (test/helpers/client-state.ts).
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { suiteClients } from '../helpers/clients'
import { addMember, createOrg } from '../helpers/fixtures'
import type { Recorded } from '../helpers/events'
import { countsOf, quiesce, watchDevices } from './verify-action.helpers'
import { ClientState } from '../helpers/client-state'

const DEVICES = ['actor1', 'actor2', 'member', 'member2', 'outsider'] as const
type Device = (typeof DEVICES)[number]
type Counts = Partial<Record<Device, Record<string, number>>>

// One room as a client holds it, without what no event is meant to bring (see state.test.ts): the join code,
// member rows' updated_at, other members' `muted`. null when the client is not in the room.
const roomView = (state: ClientState, roomId: string) => {
  const held = state.rooms.get(roomId)
  if (!held) return null
  const { join_code, ...room } = held.room
  return {
    room,
    messages: [...held.messages.values()].sort((a, b) => a.seq - b.seq),
    members: [...held.members.values()]
      .map(({ updated_at, muted, ...member }) => {
        return member.user_id === state.me ? { ...member, muted } : member
      })
      .sort((a, b) => a.user_id.localeCompare(b.user_id))
  }
}

describe('realtime: verify_action for room actions (exact events per device)', function () {
  this.timeout(30000)
  let url: string
  const { signedIn: connect } = suiteClients()
  before(() => {
    url = sharedServer().url
  })

  // A room run by the org admin with the actor and a member in it; a marker room with all three observers.
  const setup = async (actorRole: 'member' | 'admin' = 'member') => {
    const { admin: boss } = await createOrg(url)
    const [actor, member, outsider] = await Promise.all([0, 1, 2].map(() => addMember(url, boss)))
    const as = {
      boss: await connect(boss, 'rest'),
      actor: await connect(actor, 'rest'),
      member: await connect(member, 'rest')
    }
    const room = await as.boss.service('rooms').create({ name: 'Room', member_ids: [actor.id, member.id] })
    const markers = await as.boss
      .service('rooms')
      .create({ name: 'Markers', member_ids: [actor.id, member.id, outsider.id] })
    const rowOf = async (userId: string) =>
      (await as.boss.service('members').find({ query: { room_id: room.id, user_id: userId } })).data[0]
    if (actorRole === 'admin')
      await as.boss.service('members').patch((await rowOf(actor.id)).id, { role: 'admin' })

    // Connects the four devices (after the setup's own events and background work) and loads the states.
    const observe = async () => {
      await quiesce()
      const accounts = [actor, actor, member, member, outsider]
      const { on, act } = await watchDevices(
        DEVICES,
        (_, i) => connect(accounts[i], 'socketio'),
        () => as.boss.service('messages').create({ room_id: markers.id, body: 'marker' })
      )
      // The Zulip check's "before": the actor's other device and the member, as their clients hold them now.
      const checked = [
        {
          device: 'actor2' as const,
          account: actor,
          state: await new ClientState(on.actor2, actor.id).load()
        },
        {
          device: 'member' as const,
          account: member,
          state: await new ClientState(on.member, member.id).load()
        }
      ]

      // Exact counts per device (a device missing from `expected` must have received nothing), then the
      // Zulip check for the actor's other device and the member: state before + events == a fresh fetch.
      const verify = async (windows: Record<Device, Recorded[]>, expected: Counts) => {
        for (const name of DEVICES) assert.deepEqual(countsOf(windows[name]), expected[name] ?? {}, name)
        for (const { device, account, state } of checked) {
          await state.follow(windows[device])
          const fresh = await new ClientState(await connect(account, 'rest'), account.id).load()
          assert.deepEqual(state.strays, [], `${device}: events of rooms the client is not in`)
          assert.deepEqual(state.mismatches, [], device)
          assert.deepEqual(roomView(state.derive(), room.id), roomView(fresh, room.id), device)
        }
      }
      return { on, act, verify }
    }
    return { boss, actor, member, outsider, as, room, rowOf, observe }
  }

  // The same counts on every device in the room; the outsider none.
  const each = (counts: Record<string, number>): Counts =>
    Object.fromEntries(DEVICES.filter((d) => d !== 'outsider').map((d) => [d, counts]))

  it('send: one `messages created` on every other device in the room; the sending socket has it as its answer', async () => {
    const { room, observe } = await setup()
    const { on, act, verify } = await observe()
    let sent: any
    const { windows } = await act(async () => {
      sent = await on.actor1.service('messages').create({ room_id: room.id, body: 'hi' })
    })
    await verify(windows, { ...each({ 'messages created': 1 }), actor1: {} })
    assert.equal(sent.body, 'hi')
    // The sender's other device hears it like everyone else.
    assert.equal(windows.actor2[0].data.id, sent.id)
  })

  it('edit: one `messages patched` on each device in the room', async () => {
    const { as, room, observe } = await setup()
    const mine = await as.actor.service('messages').create({ room_id: room.id, body: 'typo' })
    const { on, act, verify } = await observe()
    const { windows } = await act(() => on.actor1.service('messages').patch(mine.id, { body: 'fixed' }))
    await verify(windows, each({ 'messages patched': 1 }))
    assert.equal(windows.member[0].data.body, 'fixed')
  })

  // Unsent and deleted messages take their notifications with them: the mentioned user's devices hear of it.
  it('unsend: one `messages patched` (with unsent_at) in the room; the mention’s notification removed', async () => {
    const { member, as, room, observe } = await setup()
    const body = `@${member.username} oops`
    const mine = await as.actor.service('messages').create({ room_id: room.id, body })
    const { on, act, verify } = await observe()
    const { windows } = await act(() => on.actor1.service('messages').patch(mine.id, { unsent: true }))
    const patched = { 'messages patched': 1 }
    const mentioned = { ...patched, 'notifications removed': 1 }
    await verify(windows, { actor1: patched, actor2: patched, member: mentioned, member2: mentioned })
    assert.ok(windows.member.find((r) => r.path === 'messages')!.data.unsent_at)
    assert.equal(windows.member2.find((r) => r.path === 'notifications')!.data.message_id, mine.id)
  })

  it('delete by a room admin: one `messages removed` in the room; the mention’s notification removed', async () => {
    const { actor, as, room, observe } = await setup('admin')
    const body = `@${actor.username} spam`
    const theirs = await as.member.service('messages').create({ room_id: room.id, body })
    const { on, act, verify } = await observe()
    const { windows } = await act(() => on.actor1.service('messages').remove(theirs.id))
    const removed = { 'messages removed': 1 }
    const mentioned = { ...removed, 'notifications removed': 1 }
    await verify(windows, { actor1: mentioned, actor2: mentioned, member: removed, member2: removed })
    assert.ok(windows.member[0].data.deleted_at)
    assert.equal(windows.actor2.find((r) => r.path === 'notifications')!.data.message_id, theirs.id)
  })

  // The first message mentions the actor: reading past it marks that notification read on all their devices.
  it('read: the reader’s devices get their receipt with unread_count, the member the room’s without', async () => {
    const { actor, as, room, observe } = await setup()
    const one = await as.member
      .service('messages')
      .create({ room_id: room.id, body: `@${actor.username} one` })
    await as.member.service('messages').create({ room_id: room.id, body: 'two' })
    const { on, act, verify } = await observe()
    const { windows } = await act(() =>
      on.actor1.service('receipts').create({ room_id: room.id, read_seq: one.seq })
    )
    const reader = { 'receipts created': 1, 'notifications patched': 1 }
    const room1 = { 'receipts created': 1 }
    await verify(windows, { actor1: reader, actor2: reader, member: room1, member2: room1 })
    const receiptOf = (device: Device) => windows[device].find((r) => r.path === 'receipts')!.data
    for (const device of ['actor1', 'actor2'] as const) assert.equal(receiptOf(device).unread_count, 1)
    for (const device of ['member', 'member2'] as const)
      assert.equal('unread_count' in receiptOf(device), false)
    const notification = windows.actor2.find((r) => r.path === 'notifications')!.data
    assert.equal(notification.message_id, one.id)
    assert.ok(notification.read_at)
  })

  it('delivered only: the whole room, the reader’s devices included, gets the room’s receipt', async () => {
    const { as, room, observe } = await setup()
    const one = await as.member.service('messages').create({ room_id: room.id, body: 'one' })
    const { on, act, verify } = await observe()
    const { windows } = await act(() =>
      on.actor1.service('receipts').create({ room_id: room.id, delivered_seq: one.seq })
    )
    await verify(windows, each({ 'receipts created': 1 }))
    for (const device of ['actor1', 'actor2', 'member', 'member2'] as const)
      assert.equal('unread_count' in windows[device][0].data, false)
  })

  it('kick: the kicked member gets `members removed` once and nothing of the room after it', async () => {
    const { member, room, rowOf, observe } = await setup('admin')
    const row = await rowOf(member.id)
    const { on, act, verify } = await observe()
    const { windows } = await act(async () => {
      await on.actor1.service('members').remove(row.id)
      await on.actor1.service('messages').create({ room_id: room.id, body: 'after the kick' })
    })
    const kicked = { 'members removed': 1 }
    const stayed = { ...kicked, 'messages created': 1 }
    // actor1 sent the message: its answer is the message, no event comes back to it.
    await verify(windows, { actor1: kicked, actor2: stayed, member: kicked, member2: kicked })
  })

  it('leave: both of the leaver’s devices get `members removed` once and nothing of the room after it', async () => {
    const { actor, room, rowOf, observe } = await setup()
    const row = await rowOf(actor.id)
    const { on, act, verify } = await observe()
    const { windows } = await act(async () => {
      await on.actor1.service('members').remove(row.id)
      await on.member2.service('messages').create({ room_id: room.id, body: 'after the leave' })
    })
    const left = { 'members removed': 1 }
    const stayed = { ...left, 'messages created': 1 }
    // member2 sent the message (its answer is the message); the member's other device hears it.
    await verify(windows, { actor1: left, actor2: left, member: stayed, member2: left })
  })

  it('archive: one `rooms patched` (with archived_at) on each device in the room', async () => {
    const { room, observe } = await setup('admin')
    const { on, act, verify } = await observe()
    const { windows } = await act(() => on.actor1.service('rooms').patch(room.id, { archived: true }))
    await verify(windows, each({ 'rooms patched': 1 }))
    assert.ok(windows.member[0].data.archived_at)
  })
})
