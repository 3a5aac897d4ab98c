// Membership changes racing sends, over REST and Socket.IO. Each test holds a lock in the database to line
// the requests up in the order that used to go wrong, then lets go.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { clientPool, db, memberOf, orgWith, rejectsWith, waitUntilBlocked } from '../rooms/helpers'

forEachTransport('members: races with sends', (transport) => {
  const pool = clientPool(transport)

  const setup = async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Race track', member_ids: [bob.id] })
    return { admin, bob, a, b: await pool.client(bob), room, bobRow: await memberOf(a, room.id, bob.id) }
  }

  it('does not deadlock when a member is kicked while their send is half-way (both succeed, in order)', async () => {
    const { admin, bob, a, b, room, bobRow } = await setup()
    // A blocker holds seq 1 uncommitted: Bob's send (one chatboard_send_messages statement) takes the room's lock,
    // then waits at its insert.
    const trx = await db().transaction()
    try {
      await trx('messages').insert({
        org_id: admin.org_id,
        room_id: room.id,
        seq: 1,
        sender_id: admin.id,
        body: 'x'
      })
      const send = b.service('messages').create({ room_id: room.id, body: 'last words' })
      send.catch(() => undefined)
      await waitUntilBlocked('select b.idx, b.room_kind, b.error_code')
      const kick = a.service('members').remove(bobRow.id)
      kick.catch(() => undefined)
      await waitUntilBlocked('update "rooms"')
      await trx.rollback()
      const [sent, kicked] = await Promise.all([send, kick])
      assert.equal(sent.seq, 1)
      assert.equal(kicked.user_id, bob.id)
    } finally {
      if (!trx.isCompleted()) await trx.rollback()
    }
    assert.equal((await a.service('rooms').get(room.id)).member_count, 1)
    assert.deepEqual(
      (await a.service('messages').find({ query: { room_id: room.id } })).data.map((m) => m.body),
      ['last words']
    )
  })

  it('refuses a send that was waiting for the room while its sender got kicked (404, nothing stored)', async () => {
    const { a, b, room, bobRow } = await setup()
    const trx = await db().transaction()
    try {
      await trx('rooms').where({ id: room.id }).forUpdate().select('id')
      const kick = a.service('members').remove(bobRow.id)
      kick.catch(() => undefined)
      await waitUntilBlocked('update "rooms"', 1)
      const send = b.service('messages').create({ room_id: room.id, body: 'from the door' })
      send.catch(() => undefined)
      await waitUntilBlocked('select b.idx, b.room_kind, b.error_code')
      await trx.commit()
      await kick
      await rejectsWith(send, 'NotFound', 'not_found')
    } finally {
      if (!trx.isCompleted()) await trx.rollback()
    }
    assert.equal((await db()('messages').where({ room_id: room.id })).length, 0)
    assert.equal(Number((await db()('rooms').where({ id: room.id }).first()).last_seq), 0)
  })

  it('answers 404 to a mute that was waiting on the member row while the member got kicked', async () => {
    const { a, b, room, bobRow } = await setup()
    const trx = await db().transaction()
    try {
      await trx('room_members').where({ id: bobRow.id }).forUpdate().select('id')
      const kick = a.service('members').remove(bobRow.id)
      kick.catch(() => undefined)
      await waitUntilBlocked('delete from "room_members"')
      const mute = b.service('members').patch(bobRow.id, { muted: true })
      mute.catch(() => undefined)
      await waitUntilBlocked('update "room_members"')
      await trx.commit()
      await kick
      await rejectsWith(mute, 'NotFound', 'not_found')
    } finally {
      if (!trx.isCompleted()) await trx.rollback()
    }
    assert.equal((await a.service('rooms').get(room.id)).member_count, 1)
  })
})
