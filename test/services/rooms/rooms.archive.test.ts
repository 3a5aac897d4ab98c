// Archiving rooms over REST and Socket.IO: no new messages, history kept, unarchive, and a send racing the archive.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { clientPool, db, orgWith, rejectsWith, waitUntilBlocked } from './helpers'

forEachTransport('rooms: archive', (transport) => {
  const pool = clientPool(transport)

  it('archives a room: no new messages (403 room_archived), history still readable; unarchive reopens it', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const room = await a.service('rooms').create({ name: 'Old project', member_ids: [bob.id] })
    const early = await b
      .service('messages')
      .create({ room_id: room.id, body: 'before the archive', client_msg_id: 'a-1' })
    await rejectsWith(
      b.service('rooms').patch(room.id, { archived: true }),
      'Forbidden',
      'room_role_required'
    )
    const archived = await a.service('rooms').patch(room.id, { archived: true })
    assert.ok(archived.archived_at)
    await rejectsWith(
      b.service('messages').create({ room_id: room.id, body: 'too late' }),
      'Forbidden',
      'room_archived'
    )
    await rejectsWith(
      a.service('messages').create({ room_id: room.id, body: 'me neither' }),
      'Forbidden',
      'room_archived'
    )
    // A retry of a send that made it before the archive still answers with the stored message.
    const retry = await b
      .service('messages')
      .create({ room_id: room.id, body: 'before the archive', client_msg_id: 'a-1' })
    assert.equal(retry.id, early.id)
    // Archived means read-only: the sender can neither edit nor unsend.
    await rejectsWith(
      b.service('messages').patch(early.id, { body: 'rewritten' }),
      'Forbidden',
      'room_archived'
    )
    await rejectsWith(b.service('messages').patch(early.id, { unsent: true }), 'Forbidden', 'room_archived')
    const history = await b.service('messages').find({ query: { room_id: room.id } })
    assert.deepEqual(
      history.data.map((m: any) => m.body),
      ['before the archive']
    )
    assert.ok((await b.service('rooms').get(room.id)).archived_at)
    const twice = await a.service('rooms').patch(room.id, { archived: true })
    assert.equal(twice.archived_at, archived.archived_at, 'archiving again must keep the first archive time')

    const reopened = await a.service('rooms').patch(room.id, { archived: false })
    assert.equal(reopened.archived_at, null)
    const sent = await b.service('messages').create({ room_id: room.id, body: 'back again' })
    assert.equal(sent.seq, 2)
  })

  it('refuses a send that was waiting for the room while the room got archived (403 room_archived)', async () => {
    const { admin } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Closing time' })
    // Hold the room row, let the send pass its checks and queue behind it, then archive and release.
    const trx = await db().transaction()
    try {
      await trx('rooms').where({ id: room.id }).forUpdate().select('id')
      const pending = a.service('messages').create({ room_id: room.id, body: 'last call' })
      pending.catch(() => undefined)
      await waitUntilBlocked('select b.idx, b.room_kind, b.error_code')
      await trx('rooms').where({ id: room.id }).update({ archived_at: trx.fn.now() })
      await trx.commit()
      await rejectsWith(pending, 'Forbidden', 'room_archived')
    } finally {
      if (!trx.isCompleted()) await trx.rollback()
    }
    assert.equal(Number((await db()('rooms').where({ id: room.id }).first()).last_seq), 0)
    assert.equal((await db()('messages').where({ room_id: room.id })).length, 0)
  })
})
