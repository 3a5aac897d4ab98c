// A user who is not a member of a room never receives its events, whatever the event: outsiders of the same
// org who never were members, and members who were kicked or left (from the moment they are out).
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { sharedServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg, uniq } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { record } from '../helpers/events'
import type { Recorded } from '../helpers/events'

type Events = ReturnType<typeof record>

// Every service whose events are about a room; presence is about users (org channel), not rooms.
const ROOM_PATHS = ['rooms', 'members', 'messages', 'receipts', 'typing']
const roomOf = (r: Recorded) => (r.path === 'rooms' ? r.data.id : r.data.room_id)

describe('realtime: non-members receive nothing of a room', () => {
  let url: string
  const open: TestClient[] = []
  const rest = async (account: Account): Promise<ClientApplication> => {
    const tc = await clientFor(url, 'rest', account)
    open.push(tc)
    return tc.client
  }
  const live = async (account: Account): Promise<Events> => {
    const tc = await clientFor(url, 'socketio', account)
    open.push(tc)
    return record(tc.client, [...ROOM_PATHS, 'users'])
  }
  // The user's own profile change reaches them after anything published to them before it.
  const marker = async (who: Account, events: Events) => {
    const name = uniq('Marker ')
    await (await rest(who)).service('users').patch(who.id, { name })
    await events.waitFor((r) => r.path === 'users' && r.data.id === who.id && r.data.name === name)
  }
  // Events about the given rooms that reached this client after the `since`-th event it received.
  const leaked = (events: Events, roomIds: string[], since = 0) =>
    events.seen.slice(since).filter((r) => ROOM_PATHS.includes(r.path) && roomIds.includes(roomOf(r)))

  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('outsiders of the same org and ex-members get no room, message or member event', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const frank = await addMember(url, admin)
    const grace = await addMember(url, admin)
    const heidi = await addMember(url, admin)
    const eve = await addMember(url, admin)
    // Bob is a member and the witness: each event reached him before the outsiders' markers were sent.
    const bobLive = await live(bob)
    const eveLive = await live(eve)
    const frankLive = await live(frank)
    const graceLive = await live(grace)
    const owner = await rest(admin)
    const asBob = await rest(bob)
    const witness = (match: (r: Recorded) => boolean) => bobLive.waitFor(match)

    const room = await owner
      .service('rooms')
      .create({ name: 'Private', member_ids: [bob.id, frank.id, grace.id] })
    await witness((r) => r.path === 'rooms' && r.event === 'created' && r.data.id === room.id)
    const dm = await owner.service('rooms').create({ kind: 'dm', user_id: bob.id })
    await witness((r) => r.path === 'rooms' && r.event === 'created' && r.data.id === dm.id)

    // Frank is kicked and Grace leaves before everything else; from then on they are outsiders too.
    const members = (await owner.service('members').find({ query: { room_id: room.id } })).data
    const memberOf = (id: string) => members.find((m: any) => m.user_id === id)
    await owner.service('members').remove(memberOf(frank.id)!.id)
    await (await rest(grace)).service('members').remove(memberOf(grace.id)!.id)
    await witness((r) => r.path === 'members' && r.event === 'removed' && r.data.user_id === grace.id)
    await frankLive.waitFor(
      (r) => r.path === 'members' && r.event === 'removed' && r.data.user_id === frank.id
    )
    await graceLive.waitFor(
      (r) => r.path === 'members' && r.event === 'removed' && r.data.user_id === grace.id
    )
    const frankFrom = frankLive.seen.length
    const graceFrom = graceLive.seen.length

    for (const target of [room, dm]) {
      const sent = await owner
        .service('messages')
        .create({ room_id: target.id, body: 'secret @' + eve.username })
      await witness((r) => r.path === 'messages' && r.event === 'created' && r.data.id === sent.id)
      await owner.service('messages').patch(sent.id, { body: 'edited secret' })
      await witness((r) => r.path === 'messages' && r.event === 'patched' && r.data.body === 'edited secret')
      await owner.service('messages').patch(sent.id, { unsent: true })
      await witness(
        (r) => r.path === 'messages' && r.event === 'patched' && r.data.id === sent.id && r.data.unsent_at
      )
      const byBob = await asBob.service('messages').create({ room_id: target.id, body: 'reply' })
      await witness((r) => r.path === 'messages' && r.data.id === byBob.id)
      if (target.kind === 'group') {
        await owner.service('messages').remove(byBob.id)
        await witness((r) => r.path === 'messages' && r.event === 'removed' && r.data.id === byBob.id)
      }
    }
    await owner.service('rooms').patch(room.id, { name: 'Still private', topic: 'hush' })
    await witness((r) => r.path === 'rooms' && r.event === 'patched' && r.data.name === 'Still private')
    const added = await owner.service('members').create({ room_id: room.id, user_id: heidi.id })
    await witness((r) => r.path === 'members' && r.event === 'created' && r.data.id === added.id)
    await owner.service('members').patch(added.id, { role: 'admin' })
    await witness((r) => r.path === 'members' && r.event === 'patched' && r.data.id === added.id)
    await owner.service('members').remove(added.id)
    await witness((r) => r.path === 'members' && r.event === 'removed' && r.data.id === added.id)
    await owner.service('rooms').patch(room.id, { archived: true })
    await witness((r) => r.path === 'rooms' && r.event === 'patched' && r.data.archived_at)

    await marker(eve, eveLive)
    await marker(frank, frankLive)
    await marker(grace, graceLive)
    assert.deepEqual(leaked(eveLive, [room.id, dm.id]), [], 'an outsider received room events')
    assert.deepEqual(
      leaked(frankLive, [room.id, dm.id], frankFrom),
      [],
      'a kicked member received room events'
    )
    assert.deepEqual(
      leaked(graceLive, [room.id, dm.id], graceFrom),
      [],
      'a member who left received room events'
    )
  })
  it('outsiders and ex-members get no typing indicator or read receipt', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const frank = await addMember(url, admin)
    const eve = await addMember(url, admin)
    const ownerLive = await live(admin)
    const bobLive = await live(bob)
    const eveLive = await live(eve)
    const frankLive = await live(frank)
    const owner = await rest(admin)
    const asBob = await rest(bob)
    const room = await owner.service('rooms').create({ name: 'Whispers', member_ids: [bob.id, frank.id] })
    const [frankIn] = (
      await owner.service('members').find({ query: { room_id: room.id, user_id: frank.id } })
    ).data
    await owner.service('members').remove(frankIn.id)
    await frankLive.waitFor((r) => r.path === 'members' && r.event === 'removed' && r.data.id === frankIn.id)
    const frankFrom = frankLive.seen.length

    await owner.service('typing').create({ room_id: room.id })
    await bobLive.waitFor(
      (r) => r.path === 'typing' && r.data.room_id === room.id && r.data.user_id === admin.id
    )
    await owner.service('typing').create({ room_id: room.id, stopped: true })
    await bobLive.waitFor((r) => r.path === 'typing' && r.data.room_id === room.id && r.data.stopped)
    const sent = await owner.service('messages').create({ room_id: room.id, body: 'read me' })
    // Delivered only (to the room), then read (the room's version, and Bob's own on his devices).
    await asBob.service('receipts').create({ room_id: room.id, delivered_seq: sent.seq })
    await ownerLive.waitFor(
      (r) => r.path === 'receipts' && r.data.user_id === bob.id && r.data.delivered_seq === sent.seq
    )
    await asBob.service('receipts').create({ room_id: room.id, read_seq: sent.seq })
    await ownerLive.waitFor(
      (r) => r.path === 'receipts' && r.data.user_id === bob.id && r.data.last_read_seq === sent.seq
    )
    const own = await bobLive.waitFor((r) => r.path === 'receipts' && r.data.last_read_seq === sent.seq)
    const shown = ownerLive.seen.find((r) => r.path === 'receipts' && r.data.last_read_seq === sent.seq)!
    assert.equal(own.data.unread_count, 0)
    assert.equal(shown.data.unread_count, undefined, "the room saw a member's unread count")

    await marker(eve, eveLive)
    await marker(frank, frankLive)
    assert.deepEqual(leaked(eveLive, [room.id]), [], 'an outsider received typing or receipts')
    assert.deepEqual(
      leaked(frankLive, [room.id], frankFrom),
      [],
      'a kicked member received typing or receipts'
    )
  })
})
