// Changing messages over REST and Socket.IO: edit by the sender, unsend within the window, delete by room
// owners/admins, each published to the room; @username mentions of room members.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { record } from '../../helpers/events'
import { clientPool, db, memberOf, orgWith, rejectsWith } from '../rooms/helpers'

const UNSENT = 'This message was unsent.'
const DELETED = 'This message was deleted.'

forEachTransport('messages: edit, unsend, delete, mentions', (transport) => {
  const pool = clientPool(transport)

  // A room owned by the org admin with two plain members, Bob (who writes) and Carol (who listens live).
  const setup = async (extra = 0) => {
    const { admin, members } = await orgWith(pool.url, 2 + extra)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Changes', member_ids: [bob.id, carol.id] })
    const carolLive = record(await pool.client(carol, 'socketio'), ['messages'])
    return {
      admin,
      bob,
      carol,
      members,
      a,
      b: await pool.client(bob),
      c: await pool.client(carol),
      room,
      carolLive
    }
  }

  it('lets only the sender edit (edited_at set, others 403 not_sender); members see `messages patched`', async () => {
    const { a, b, c, room, carolLive } = await setup()
    const sent = await b.service('messages').create({ room_id: room.id, body: 'teh plan' })
    assert.equal(sent.edited_at, null)
    const edited = await b.service('messages').patch(sent.id, { body: ' the   plan\u0000 ' })
    assert.equal(edited.body, 'the plan')
    assert.ok(edited.edited_at)
    assert.equal(edited.created_at, sent.created_at)
    assert.equal(edited.seq, sent.seq)
    const event = await carolLive.waitFor((r) => r.event === 'patched' && r.data.id === sent.id)
    assert.equal(event.data.body, 'the plan')
    for (const other of [a, c]) {
      await rejectsWith(
        other.service('messages').patch(sent.id, { body: 'hijacked' }),
        'Forbidden',
        'not_sender'
      )
    }
    await rejectsWith(b.service('messages').patch(sent.id, { body: '   ' }), 'BadRequest')
    await rejectsWith(b.service('messages').patch(sent.id, { body: 'x', seq: 9 } as any), 'BadRequest')
    assert.equal((await c.service('messages').get(sent.id)).body, 'the plan')
  })

  it('unsends within an hour: placeholder body, unsent_at set, `messages patched` to the room', async () => {
    const { admin, bob, a, b, c, room, carolLive } = await setup()
    const sent = await b.service('messages').create({ room_id: room.id, body: `oops @${admin.username}` })
    assert.deepEqual(sent.mentions, [admin.id])
    for (const other of [a, c]) {
      await rejectsWith(other.service('messages').patch(sent.id, { unsent: true }), 'Forbidden', 'not_sender')
    }
    const unsent = await b.service('messages').patch(sent.id, { unsent: true })
    assert.equal(unsent.body, UNSENT)
    assert.ok(unsent.unsent_at)
    assert.deepEqual(unsent.mentions, [])
    const event = await carolLive.waitFor((r) => r.event === 'patched' && r.data.id === sent.id)
    assert.equal(event.data.body, UNSENT)
    assert.ok(event.data.unsent_at)
    const history = await c.service('messages').find({ query: { room_id: room.id } })
    assert.deepEqual(
      history.data.map((m) => [m.id, m.body]),
      [[sent.id, UNSENT]]
    )
    const carolsRoom = await c.service('rooms').get(room.id)
    assert.equal(carolsRoom.unread_count, 0, 'an unsent message is not unread')
    assert.equal(carolsRoom.last_message?.unsent, true)
    assert.equal(carolsRoom.last_message?.body, UNSENT)
    await rejectsWith(
      b.service('messages').patch(sent.id, { body: 'undo the unsend' }),
      'Conflict',
      'message_unsent'
    )
    assert.equal((await db()('messages').where({ id: sent.id }).first()).sender_id, bob.id)
  })

  it('refuses to unsend after the hour (403 unsend_window_passed)', async () => {
    const { b, room } = await setup()
    const old = await b.service('messages').create({ room_id: room.id, body: 'long ago' })
    const recent = await b.service('messages').create({ room_id: room.id, body: 'not so long ago' })
    // Back-date the rows: the window is measured from the server's created_at.
    await db()('messages')
      .where({ id: old.id })
      .update({ created_at: db().raw("now() - interval '61 minutes'") })
    await db()('messages')
      .where({ id: recent.id })
      .update({ created_at: db().raw("now() - interval '59 minutes'") })
    await rejectsWith(
      b.service('messages').patch(old.id, { unsent: true }),
      'Forbidden',
      'unsend_window_passed'
    )
    assert.equal((await b.service('messages').get(old.id)).body, 'long ago')
    assert.equal((await b.service('messages').patch(recent.id, { unsent: true })).body, UNSENT)
  })

  it('lets room owners and admins delete any message (removed event, placeholder); plain members get 403', async () => {
    const { bob, carol, a, b, c, room, carolLive } = await setup()
    const sent = await b.service('messages').create({ room_id: room.id, body: 'rude words' })
    await rejectsWith(b.service('messages').remove(sent.id), 'Forbidden', 'room_role_required')
    await rejectsWith(c.service('messages').remove(sent.id), 'Forbidden', 'room_role_required')
    const removed = await a.service('messages').remove(sent.id)
    assert.equal(removed.body, DELETED)
    assert.ok(removed.deleted_at)
    const event = await carolLive.waitFor((r) => r.event === 'removed' && r.data.id === sent.id)
    assert.equal(event.data.body, DELETED)
    const history = await c.service('messages').find({ query: { room_id: room.id } })
    assert.deepEqual(
      history.data.map((m) => m.body),
      [DELETED]
    )
    await rejectsWith(b.service('messages').patch(sent.id, { body: 'again' }), 'Conflict', 'message_deleted')
    assert.equal((await c.service('rooms').get(room.id)).unread_count, 0)

    // A room admin (not the owner) moderates too, even the owner's messages.
    await a.service('members').patch((await memberOf(a, room.id, carol.id)).id, { role: 'admin' })
    const byOwner = await a.service('messages').create({ room_id: room.id, body: 'owner speaking' })
    assert.equal((await c.service('messages').remove(byOwner.id)).body, DELETED)
    assert.equal(bob.id, (await db()('messages').where({ id: sent.id }).first()).sender_id)
  })

  it('parses and stores @username mentions of room members: case-insensitive, deduplicated, others ignored', async () => {
    const { admin, bob, carol, members, b, room } = await setup(1)
    const dave = members[2] // in the org, not in the room
    const body =
      `hi @${admin.username.toUpperCase()} and @${admin.username}, @${carol.username}. ` +
      `cc @${dave.username} @nobody_here, mail me@${bob.username}`
    const sent = await b.service('messages').create({ room_id: room.id, body })
    assert.deepEqual([...sent.mentions].sort(), [admin.id, carol.id].sort())
    const stored = await db()('messages').where({ id: sent.id }).first()
    assert.deepEqual([...stored.mentions].sort(), [admin.id, carol.id].sort())
    assert.deepEqual(
      (await b.service('messages').create({ room_id: room.id, body: 'no one @' })).mentions,
      []
    )
    // An edit re-parses them.
    const edited = await b.service('messages').patch(sent.id, { body: `only @${carol.username}!` })
    assert.deepEqual(edited.mentions, [carol.id])
    assert.deepEqual(
      (await b.service('messages').create({ room_id: room.id, body: `(@${bob.username})` })).mentions,
      [bob.id]
    )
  })
})
