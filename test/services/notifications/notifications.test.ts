// The notifications service over REST and Socket.IO: what creates a notification (mentions, DMs, room invites,
// friend requests and acceptances), never for the actor or across a block; listing, the unread count, marking
// one or all read, dismissing; reading a room or unsending a message; and that nobody reaches anyone else's.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { api, bearer } from '../../helpers/fixtures'
import { sharedServer } from '../../helpers/server'
import { clientPool, orgWith, rejectsWith } from '../rooms/helpers'
import { notificationsSettled } from '../../notifications/helpers'
import type { ClientApplication } from '../../../src/client'
import { notificationSchema } from '../../../src/services/notifications/notifications.schema'
import { assertMatches, assertPageMatches } from '../../helpers/schemas'

const settled = () => notificationsSettled(sharedServer().app)

const mine = async (c: ClientApplication, query: Record<string, unknown> = {}) => {
  const page = await c.service('notifications').find({ query: { $limit: 100, ...query } })
  assertPageMatches(notificationSchema, page)
  return page.data
}

const unread = async (c: ClientApplication) =>
  (await c.service('notifications').find({ query: { read: false, $limit: 0 } })).total

forEachTransport('notifications', (transport) => {
  const pool = clientPool(transport)

  it('notifies mentioned members (not the sender), counts unread, marks one and all read', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const c = await pool.client(carol)
    const room = await a.service('rooms').create({ name: 'Launch', member_ids: [bob.id, carol.id] })
    await settled()
    const message = await a
      .service('messages')
      .create({ room_id: room.id, body: `@${bob.username} @${ann.username} ready   for launch?` })
    await settled()

    const [mention, ...others] = await mine(b, { type: 'mention' })
    assert.equal(others.length, 0)
    assert.equal(mention.user_id, bob.id)
    assert.equal(mention.actor_id, ann.id)
    assert.equal(mention.room_id, room.id)
    assert.equal(mention.message_id, message.id)
    assert.equal(mention.message_seq, message.seq)
    assert.equal(mention.read, false)
    assert.deepEqual(mention.payload.actor, {
      id: ann.id,
      username: ann.username,
      name: `Test ${ann.username}`
    })
    assert.deepEqual(mention.payload.room, { id: room.id, kind: 'group', name: 'Launch' })
    assert.equal(mention.payload.excerpt, `@${bob.username} @${ann.username} ready for launch?`)
    assert.deepEqual(await mine(c, { type: 'mention' }), [], 'carol was not mentioned')
    assert.deepEqual(await mine(a), [], 'no notification for the actor, self-mention included')

    // Bob: the room invite and the mention, newest first.
    const all = await mine(b)
    assert.deepEqual(
      all.map((n) => n.type),
      ['mention', 'room_invite']
    )
    assert.equal(await unread(b), 2)
    // The email digest (200 ms in tests) may stamp emailed_at between the two reads: compare the rest.
    const withoutEmailedAt = ({ emailed_at: _emailed, ...rest }: any) => rest
    assert.deepEqual(
      withoutEmailedAt(await b.service('notifications').get(mention.id)),
      withoutEmailedAt(mention)
    )

    const read = await b.service('notifications').patch(mention.id, { read: true })
    assertMatches(notificationSchema, read)
    assert.equal(read.read, true)
    assert.ok(read.read_at)
    assert.equal(await unread(b), 1)
    assert.deepEqual(
      (await mine(b, { read: false })).map((n) => n.type),
      ['room_invite']
    )
    const again = await b.service('notifications').patch(mention.id, { read: true })
    assert.equal(new Date(again.read_at).getTime(), new Date(read.read_at).getTime(), 'first read time kept')

    const marked = (await b.service('notifications').patch(null, { read: true })) as any[]
    assertMatches(notificationSchema, marked)
    assert.deepEqual(
      marked.map((n) => [n.type, n.read]),
      [['room_invite', true]]
    )
    assert.equal(await unread(b), 0)
    assert.deepEqual(await b.service('notifications').patch(null, { read: true }), [])

    const unreadAgain = await b.service('notifications').patch(mention.id, { read: false })
    assert.equal(unreadAgain.read, false)
    assert.equal(await unread(b), 1)
  })

  it('notifies DMs, room invites by someone else (not joining by code), friend requests and acceptances', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 3)
    const [bob, carol, dave] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const c = await pool.client(carol)
    const d = await pool.client(dave)

    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const sent = await a.service('messages').create({ room_id: dm.id, body: 'psst' })
    await b.service('messages').create({ room_id: dm.id, body: 'yes?' })
    await settled()
    const [dmNote, ...rest] = await mine(b)
    assert.equal(rest.length, 0)
    assert.equal(dmNote.type, 'dm')
    assert.equal(dmNote.message_id, sent.id)
    assert.deepEqual(dmNote.payload.room, { id: dm.id, kind: 'dm', name: null })
    assert.deepEqual(
      (await mine(a)).map((n) => [n.type, n.actor_id]),
      [['dm', bob.id]]
    )

    const room = await a.service('rooms').create({ name: 'Ops' })
    await a.service('members').create({ room_id: room.id, user_id: carol.id })
    const { join_code: code } = await a.service('rooms').get(room.id)
    await d.service('members').create({ join_code: code! })
    await settled()
    const [invite] = await mine(c)
    assert.equal(invite.type, 'room_invite')
    assert.equal(invite.actor_id, ann.id)
    assert.equal(invite.room_id, room.id)
    assert.deepEqual(await mine(d), [], 'joining by code is my own doing')

    const request = await c.service('friendships').create({ user_id: dave.id })
    await settled()
    const [friendRequest] = await mine(d)
    assert.equal(friendRequest.type, 'friend_request')
    assert.equal(friendRequest.friendship_id, request.id)
    assert.equal(friendRequest.actor_id, carol.id)
    await d.service('friendships').patch(request.id, { status: 'accepted' })
    await settled()
    assert.equal((await d.service('notifications').get(friendRequest.id)).read, true, 'answering reads it')
    const accepted = (await mine(c)).find((n) => n.type === 'friend_accepted')
    assert.equal(accepted?.actor_id, dave.id)

    // A cancelled request takes its notification with it.
    const cancelled = await b.service('friendships').create({ user_id: dave.id })
    await settled()
    assert.ok((await mine(d)).some((n) => n.friendship_id === cancelled.id))
    await b.service('friendships').remove(cancelled.id)
    await settled()
    assert.ok(!(await mine(d)).some((n) => n.friendship_id === cancelled.id))
  })

  it('respects blocks: no invite into a room by someone blocked or blocking', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    await b.service('friendships').create({ user_id: ann.id, block: true })
    const room = await a.service('rooms').create({ name: 'Mixed', member_ids: [bob.id, carol.id] })
    const other = await a.service('rooms').create({ name: 'Later' })
    await a.service('members').create({ room_id: other.id, user_id: bob.id })
    await settled()
    assert.deepEqual(await mine(b), [])
    const c = await pool.client(carol)
    assert.deepEqual(
      (await mine(c)).map((n) => [n.type, n.room_id]),
      [['room_invite', room.id]]
    )
  })

  it('reading the room marks its notifications read; unsending a message removes its notification', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const first = await a.service('messages').create({ room_id: dm.id, body: 'one' })
    const second = await a.service('messages').create({ room_id: dm.id, body: 'two' })
    const third = await a.service('messages').create({ room_id: dm.id, body: 'three' })
    await settled()
    assert.equal(await unread(b), 3)

    await b.service('receipts').create({ room_id: dm.id, read_seq: second.seq })
    await settled()
    const state = new Map((await mine(b)).map((n) => [n.message_id, n.read]))
    assert.deepEqual([state.get(first.id), state.get(second.id), state.get(third.id)], [true, true, false])

    await a.service('messages').patch(third.id, { unsent: true })
    await settled()
    assert.deepEqual((await mine(b)).map((n) => n.message_id).sort(), [first.id, second.id].sort())
    assert.equal(await unread(b), 0)
  })

  it("keeps everyone's notifications their own, and dismisses only mine", async () => {
    const { admin: ann, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const c = await pool.client(carol)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    await a.service('messages').create({ room_id: dm.id, body: 'for bob only' })
    await settled()
    const [note] = await mine(b)
    await rejectsWith(c.service('notifications').get(note.id), 'NotFound', 'not_found')
    await rejectsWith(c.service('notifications').patch(note.id, { read: true }), 'NotFound', 'not_found')
    await rejectsWith(c.service('notifications').remove(note.id), 'NotFound', 'not_found')
    assert.deepEqual(await c.service('notifications').patch(null, { read: true }), [])
    assert.equal((await b.service('notifications').get(note.id)).read, false)

    const removed = await b.service('notifications').remove(note.id)
    assertMatches(notificationSchema, removed)
    assert.equal(removed.id, note.id)
    await rejectsWith(b.service('notifications').get(note.id), 'NotFound', 'not_found')
    await rejectsWith(b.service('notifications').get('not-a-uuid'), 'NotFound')
  })

  it('answers bad input with clear errors', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 1)
    const a = await pool.client(ann)
    const [bob] = members
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    await a.service('messages').create({ room_id: dm.id, body: 'x' })
    await settled()
    const b = await pool.client(bob)
    const [note] = await mine(b)
    await rejectsWith(b.service('notifications').patch(note.id, { read: 'yes' } as any), 'BadRequest')
    await rejectsWith(
      b.service('notifications').patch(note.id, { read: true, user_id: ann.id } as any),
      'BadRequest'
    )
    await rejectsWith(b.service('notifications').find({ query: { type: 'bogus' } as any }), 'BadRequest')
    await rejectsWith(b.service('notifications').find({ query: { $limit: 1000 } }), 'BadRequest')
    await rejectsWith((b.service('notifications') as any).create({ type: 'dm' }), 'MethodNotAllowed')
  })
})

describe('notifications: authentication', () => {
  it('refuses callers without a valid token', async () => {
    const { url } = sharedServer()
    assert.equal((await api(url, 'GET', '/notifications')).status, 401)
    assert.equal((await api(url, 'PATCH', '/notifications', { read: true })).status, 401)
    assert.equal((await api(url, 'GET', '/notifications', undefined, bearer('nonsense'))).status, 401)
  })
})
