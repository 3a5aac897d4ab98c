// What a block does elsewhere, over REST and Socket.IO: no DM can be opened or written to between the two
// users (either way), and mentions between them are not recorded in group rooms (the message itself is sent).
// Needs the block checks in rooms.class.ts (openDm), messages.class.ts (create) and mentions.ts.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { clientPool, orgWith, rejectsWith } from '../rooms/helpers'

forEachTransport('friendships: what a block stops', (transport) => {
  const pool = clientPool(transport)

  it('refuses opening a DM either way, and writing in a DM opened before the block, until it is lifted', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const c = await pool.client(carol)
    const dm = await c.service('rooms').create({ kind: 'dm', user_id: admin.id })
    await c.service('messages').create({ room_id: dm.id, body: 'before' })

    const blockBob = await a.service('friendships').create({ user_id: bob.id, block: true })
    await rejectsWith(b.service('rooms').create({ kind: 'dm', user_id: admin.id }), 'Forbidden', 'blocked')
    await rejectsWith(a.service('rooms').create({ kind: 'dm', user_id: bob.id }), 'Forbidden', 'blocked')

    // Carol blocks Ann after their DM exists: neither can write in it any more.
    const blockAnn = await c.service('friendships').create({ user_id: admin.id, block: true })
    await rejectsWith(
      a.service('messages').create({ room_id: dm.id, body: 'hello?' }),
      'Forbidden',
      'blocked'
    )
    await rejectsWith(
      c.service('messages').create({ room_id: dm.id, body: 'go away' }),
      'Forbidden',
      'blocked'
    )
    await rejectsWith(a.service('rooms').create({ kind: 'dm', user_id: carol.id }), 'Forbidden', 'blocked')

    await a.service('friendships').remove(blockBob.id)
    await c.service('friendships').remove(blockAnn.id)
    const opened = await b.service('rooms').create({ kind: 'dm', user_id: admin.id })
    assert.equal((await b.service('messages').create({ room_id: opened.id, body: 'hi' })).body, 'hi')
    assert.equal((await a.service('messages').create({ room_id: dm.id, body: 'back' })).body, 'back')
  })

  it('drops mentions between blocked users in group rooms, both ways, and keeps the others', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const room = await a.service('rooms').create({ name: 'Team', member_ids: [bob.id, carol.id] })
    const block = await a.service('friendships').create({ user_id: bob.id, block: true })

    const fromBob = await b
      .service('messages')
      .create({ room_id: room.id, body: `@${admin.username} @${carol.username} hi` })
    assert.deepEqual(fromBob.mentions, [carol.id])
    const fromAnn = await a.service('messages').create({ room_id: room.id, body: `@${bob.username} hi` })
    assert.deepEqual(fromAnn.mentions, [])
    const edited = await b.service('messages').patch(fromBob.id, { body: `@${admin.username} again` })
    assert.deepEqual(edited.mentions, [])

    await a.service('friendships').remove(block.id)
    const after = await b.service('messages').create({ room_id: room.id, body: `@${admin.username}` })
    assert.deepEqual(after.mentions, [admin.id])
  })
})
