// The friends list over REST and Socket.IO: each friend's presence, and the last message and my unread count
// of our DM, sorted by username and paginated.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { clientPool, db, orgWith } from '../rooms/helpers'

forEachTransport('friendships: friends list', (transport) => {
  const pool = clientPool(transport)

  it('lists friends with presence, the last DM message and my unread count', async () => {
    const { admin, members } = await orgWith(pool.url, 3)
    const [bob, carol, dave] = members
    const a = await pool.client(admin)
    // REST clients: only an explicit heartbeat (or a socket) makes someone online.
    const b = await pool.client(bob, 'rest')
    const c = await pool.client(carol, 'rest')
    const d = await pool.client(dave, 'rest')
    for (const [peer, them] of [
      [bob, b],
      [carol, c],
      [dave, d]
    ] as const) {
      const f = await a.service('friendships').create({ user_id: peer.id })
      await them.service('friendships').patch(f.id, { status: 'accepted' })
    }
    const dm = await b.service('rooms').create({ kind: 'dm', user_id: admin.id })
    await b.service('messages').create({ room_id: dm.id, body: 'first' })
    const last = await b.service('messages').create({ room_id: dm.id, body: 'x'.repeat(300) })
    await c.service('presence').create({})
    await db()('users')
      .where({ id: dave.id })
      .update({ last_seen_at: new Date('2026-01-02T03:04:05Z') })

    const list = await a.service('friendships').find({ query: { status: 'accepted' } })
    const expected = [bob, carol, dave].sort((x, y) => x.username.localeCompare(y.username))
    assert.deepEqual(
      list.data.map((f) => f.peer_id),
      expected.map((u) => u.id),
      'sorted by username'
    )
    const of = (id: string) => list.data.find((f) => f.peer_id === id)!
    assert.equal(of(bob.id).dm_room_id, dm.id)
    assert.equal(of(bob.id).unread_count, 2)
    assert.equal(of(bob.id).last_message?.id, last.id)
    assert.equal(of(bob.id).last_message?.body.length, 140, 'a preview, as in the room list')
    assert.equal(of(carol.id).dm_room_id, null)
    assert.equal(of(carol.id).last_message, null)
    assert.equal(of(carol.id).unread_count, 0)
    assert.equal(of(carol.id).presence.status, 'online')
    assert.deepEqual(of(dave.id).presence, { status: 'offline', last_seen_at: '2026-01-02T03:04:05.000Z' })
    // My own messages are never unread for me.
    const bobsView = (await b.service('friendships').find({ query: { status: 'accepted' } })).data[0]
    assert.equal(bobsView.unread_count, 0)
    assert.equal(bobsView.last_message?.id, last.id)
    // Pages: total, limit and skip like every list.
    const page = await a.service('friendships').find({ query: { status: 'accepted', $limit: 1, $skip: 1 } })
    assert.deepEqual([page.total, page.limit, page.skip, page.data[0].peer_id], [3, 1, 1, expected[1].id])
  })
})
