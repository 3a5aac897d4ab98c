// Event tests in the style of Zulip's: while a client is connected, a scripted sequence of operations runs;
// the client's initial fetch plus the events it received, applied in order by a small reducer
// (test/helpers/client-state.ts), must equal a fresh fetch at the end.
//
// Compared: rooms (the shared fields events carry, see sharedRoomFields in src/services/rooms/rooms.view.ts,
// plus my_role, muted, last_read_seq, unread_count, last_message and the sender's delivery state, which the
// reducer derives from member, message and receipt events), every field of every message, and members.
// Not compared, because no event is meant to carry them to this client:
// - rooms.join_code: only a room manager's own fetch shows it (a rotation is announced without it);
// - members.updated_at: receipts and mutes move it without telling the rest of the room;
// - other members' `muted`: a mute is published to that member's own devices only.
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { sharedServer } from '../helpers/server'
import { suiteClients } from '../helpers/clients'
import { addMember, createOrg, uniq } from '../helpers/fixtures'
import { record } from '../helpers/events'
import type { Recorded } from '../helpers/events'
import { ClientState } from '../helpers/client-state'

const PATHS = ['rooms', 'members', 'messages', 'receipts', 'users']

const project = (state: ClientState) =>
  [...state.rooms.values()]
    .map(({ room, messages, members }) => {
      const { join_code, ...shown } = room
      void join_code
      return {
        room: shown,
        messages: [...messages.values()].sort((a, b) => a.seq - b.seq),
        members: [...members.values()]
          .map(({ updated_at, muted, ...member }) => {
            void updated_at
            return member.user_id === state.me ? { ...member, muted } : member
          })
          .sort((a, b) => a.user_id.localeCompare(b.user_id))
      }
    })
    .sort((a, b) => a.room.id.localeCompare(b.room.id))

describe('realtime: initial fetch + events = fresh fetch', function () {
  this.timeout(60000)
  let url: string
  const { signedIn: connect } = suiteClients()
  before(() => {
    url = sharedServer().url
  })

  // Alice is connected throughout. Each step waits for the event it must produce for her (if any), and her state
  // follows the events received so far, so the reducer sees them in the order a client would.
  const setup = async () => {
    const { admin } = await createOrg(url)
    const [alice, bob, carol] = [
      await addMember(url, admin),
      await addMember(url, admin),
      await addMember(url, admin)
    ]
    const as = {
      owner: await connect(admin, 'rest'),
      bob: await connect(bob, 'rest'),
      carol: await connect(carol, 'rest')
    }
    const lobby = await as.owner.service('rooms').create({ name: 'Lobby', member_ids: [alice.id, bob.id] })
    for (const who of [as.owner, as.bob])
      await who.service('messages').create({ room_id: lobby.id, body: 'hello lobby' })
    const dm = await as.bob.service('rooms').create({ kind: 'dm', user_id: alice.id })
    await as.bob.service('messages').create({ room_id: dm.id, body: 'hi alice' })
    const later = await as.owner.service('rooms').create({ name: 'Later', member_ids: [carol.id] })
    for (let i = 0; i < 4; i++)
      await as.carol.service('messages').create({ room_id: later.id, body: `later ${i}` })

    const me = await connect(alice, 'socketio')
    const events = record(me, PATHS)
    const state = await new ClientState(me, alice.id).load()
    const step = async (action: () => Promise<unknown>, until?: (r: Recorded) => boolean) => {
      const result = await action()
      if (until) await events.waitFor(until)
      await state.follow(events.seen)
      return result as any
    }
    // Ends the script: Alice's own profile change reaches her after everything before it.
    const finish = async () => {
      const name = uniq('Alice ')
      await step(
        () => me.service('users').patch(alice.id, { name }),
        (r) => r.path === 'users' && r.data.id === alice.id && r.data.name === name
      )
      const fresh = await new ClientState(await connect(alice, 'rest'), alice.id).load()
      assert.deepEqual(state.strays, [], 'events of rooms the client is not in')
      assert.deepEqual(state.mismatches, [])
      assert.deepEqual(project(state.derive()), project(fresh))
    }
    return { admin, alice, bob, carol, as, me, events, state, step, finish, lobby, dm, later }
  }
  const is = (path: string, event: string, match: (data: any) => boolean) => (r: Recorded) =>
    r.path === path && r.event === event && match(r.data)

  it('rooms, members and messages: create, add, send, edit, unsend, delete, rename, mute, kick, leave', async () => {
    const { alice, bob, carol, as, me, events, step, finish, lobby, dm, later } = await setup()
    const msgs = me.service('messages')

    const project2 = await step(
      () => as.owner.service('rooms').create({ name: 'Project', member_ids: [alice.id, carol.id] }),
      is('rooms', 'created', (d) => d.name === 'Project')
    )
    const fromCarol = await step(
      () => as.carol.service('messages').create({ room_id: project2.id, body: 'first @' + alice.username }),
      is('messages', 'created', (d) => d.room_id === project2.id)
    )
    await step(
      () => as.carol.service('messages').patch(fromCarol.id, { body: 'first, edited' }),
      is('messages', 'patched', (d) => d.body === 'first, edited')
    )
    const mine = await step(
      () => msgs.create({ room_id: project2.id, body: 'mine' }).then((m) => events.answered('messages', m)),
      is('messages', 'created', (d) => d.body === 'mine')
    )
    const bobIn = await step(
      () => as.owner.service('members').create({ room_id: project2.id, user_id: bob.id }),
      is('members', 'created', (d) => d.user_id === bob.id && d.room_id === project2.id)
    )
    await step(
      () => as.owner.service('members').patch(bobIn.id, { role: 'admin' }),
      is('members', 'patched', (d) => d.id === bobIn.id)
    )
    await step(
      () => as.bob.service('messages').create({ room_id: project2.id, body: 'bob here' }),
      is('messages', 'created', (d) => d.body === 'bob here')
    )
    await step(
      () => as.carol.service('messages').patch(fromCarol.id, { unsent: true }),
      is('messages', 'patched', (d) => d.id === fromCarol.id && d.unsent_at)
    )
    await step(
      () => as.bob.service('messages').remove(mine.id),
      is('messages', 'removed', (d) => d.id === mine.id)
    )
    await step(
      () => as.owner.service('rooms').patch(project2.id, { name: 'Project X', topic: 'ship it' }),
      is('rooms', 'patched', (d) => d.name === 'Project X')
    )
    const members = async (roomId: string, userId: string) =>
      (await as.owner.service('members').find({ query: { room_id: roomId, user_id: userId } })).data[0]
    const carolIn = await members(project2.id, carol.id)
    await step(
      () => as.owner.service('members').remove(carolIn.id),
      is('members', 'removed', (d) => d.id === carolIn.id)
    )
    // Bob mutes the lobby for himself: nothing for Alice. Alice mutes Project X: her own devices hear it.
    await step(async () =>
      as.bob.service('members').patch((await members(lobby.id, bob.id)).id, { muted: true })
    )
    const aliceIn = await members(project2.id, alice.id)
    await step(
      () => me.service('members').patch(aliceIn.id, { muted: true }),
      is('members', 'patched', (d) => d.id === aliceIn.id && d.muted)
    )

    // Added to a room with history: the client fetches it. Promoted there; kicked from the lobby.
    const aliceLater = await step(
      () => as.owner.service('members').create({ room_id: later.id, user_id: alice.id }),
      is('members', 'created', (d) => d.user_id === alice.id && d.room_id === later.id)
    )
    await step(
      () => as.carol.service('messages').create({ room_id: later.id, body: 'welcome' }),
      is('messages', 'created', (d) => d.body === 'welcome')
    )
    await step(
      () => as.owner.service('members').patch(aliceLater.id, { role: 'admin' }),
      is('members', 'patched', (d) => d.id === aliceLater.id)
    )
    const aliceLobby = await members(lobby.id, alice.id)
    await step(
      () => as.owner.service('members').remove(aliceLobby.id),
      is('members', 'removed', (d) => d.id === aliceLobby.id)
    )
    await step(() => as.owner.service('messages').create({ room_id: lobby.id, body: 'alice is gone' }))
    await step(
      () => as.owner.service('rooms').patch(later.id, { archived: true }),
      is('rooms', 'patched', (d) => d.id === later.id && d.archived_at)
    )

    // DMs: a new message, my own send and edit, a new DM opened by someone else.
    await step(
      () => as.bob.service('messages').create({ room_id: dm.id, body: 'ping' }),
      is('messages', 'created', (d) => d.body === 'ping')
    )
    const pong = await step(
      () => msgs.create({ room_id: dm.id, body: 'pong' }).then((m) => events.answered('messages', m)),
      is('messages', 'created', (d) => d.body === 'pong')
    )
    await step(
      () => msgs.patch(pong.id, { body: 'pong!' }),
      is('messages', 'patched', (d) => d.body === 'pong!')
    )
    const dm2 = await step(
      () => as.owner.service('rooms').create({ kind: 'dm', user_id: alice.id }),
      is('rooms', 'created', (d) => d.kind === 'dm' && d.created_by !== bob.id)
    )
    await step(
      () => as.owner.service('messages').create({ room_id: dm2.id, body: 'boss here' }),
      is('messages', 'created', (d) => d.body === 'boss here')
    )

    // Bob renames himself (member rows show names), then leaves Project X.
    await step(
      () => as.bob.service('users').patch(bob.id, { name: 'Robert' }),
      is('users', 'patched', (d) => d.id === bob.id)
    )
    await step(
      () => as.bob.service('members').remove(bobIn.id),
      is('members', 'removed', (d) => d.id === bobIn.id)
    )
    await finish()
    // Bob's mute was his own business (the comparison leaves other members' `muted` out).
    assert.ok(!events.seen.some((r) => r.path === 'members' && r.data.user_id === bob.id && r.data.muted))
  })
  // Receipts: the reducer moves members' pointers from `receipts created` (the room's version without the
  // reader's unread count, or my own with it), derives my unread counts and my messages' delivery state.
  it('read receipts: pointers, unread counts and delivery state', async () => {
    const { admin, alice, bob, as, me, events, step, finish, lobby, dm } = await setup()
    const receipts = (client: ClientApplication) => client.service('receipts')
    const mine = (from: string, seq: number) => (r: Recorded) =>
      r.path === 'receipts' && r.data.user_id === from && r.data.last_read_seq === seq
    const a1 = await step(
      () =>
        me
          .service('messages')
          .create({ room_id: lobby.id, body: 'a1' })
          .then((m) => events.answered('messages', m)),
      is('messages', 'created', (d) => d.body === 'a1')
    )
    const a2 = await step(
      () =>
        me
          .service('messages')
          .create({ room_id: lobby.id, body: 'a2' })
          .then((m) => events.answered('messages', m)),
      is('messages', 'created', (d) => d.body === 'a2')
    )
    // Delivered only: persisted until every recipient has it; then read by one, then by all.
    await step(
      () => receipts(as.bob).create({ room_id: lobby.id, delivered_seq: a2.seq }),
      (r) => r.path === 'receipts' && r.data.user_id === bob.id && r.data.delivered_seq === a2.seq
    )
    await step(
      () => receipts(as.owner).create({ room_id: lobby.id, read_seq: a1.seq }),
      mine(admin.id, a1.seq)
    )
    await step(() => receipts(as.bob).create({ room_id: lobby.id, read_seq: a2.seq }), mine(bob.id, a2.seq))
    // My own reads: in the DM, and past a message unsent after my pointer (unsent ones are not unread).
    for (let i = 0; i < 3; i++)
      await step(
        () => as.bob.service('messages').create({ room_id: dm.id, body: `dm ${i}` }),
        is('messages', 'created', (d) => d.body === `dm ${i}`)
      )
    const dmState = await me.service('rooms').get(dm.id)
    await step(
      () => receipts(me).create({ room_id: dm.id, read_seq: dmState.last_seq - 1 }),
      mine(alice.id, dmState.last_seq - 1)
    )
    const p = await step(
      () => as.owner.service('messages').create({ room_id: lobby.id, body: 'p' }),
      is('messages', 'created', (d) => d.body === 'p')
    )
    const x = await step(
      () => as.owner.service('messages').create({ room_id: lobby.id, body: 'x' }),
      is('messages', 'created', (d) => d.body === 'x')
    )
    await step(
      () => as.bob.service('messages').create({ room_id: lobby.id, body: 'y' }),
      is('messages', 'created', (d) => d.body === 'y')
    )
    await step(
      () => as.owner.service('messages').patch(x.id, { unsent: true }),
      is('messages', 'patched', (d) => d.id === x.id)
    )
    await step(() => receipts(me).create({ room_id: lobby.id, read_seq: p.seq }), mine(alice.id, p.seq))
    // Delivered to me (my own devices and the room hear it), then everything read.
    await step(
      () => receipts(me).create({ room_id: lobby.id, delivered_seq: p.seq + 2 }),
      (r) => r.path === 'receipts' && r.data.user_id === alice.id && r.data.delivered_seq === p.seq + 2
    )
    await finish()
  })
})
