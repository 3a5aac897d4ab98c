// Blocking over REST and Socket.IO: anyone of my org can be blocked, a block ends a friendship and stops
// requests both ways, both users may block, and only a blocker lifts their own block. Plus the block helpers
// that rooms (DMs) and messages (mentions) call.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { clientPool, db, orgWith, rejectsWith } from '../rooms/helpers'
import { blockedAmong, isBlockedBetween, withoutBlocked } from '../../../src/services/friendships/blocks'

forEachTransport('friendships: blocking', (transport) => {
  const pool = clientPool(transport)

  it('blocks a stranger; then neither can send the other a request, and the blocked cannot unblock', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const blocked = await a.service('friendships').create({ username: bob.username, block: true })
    assert.equal(blocked.status, 'blocked')
    assert.deepEqual(blocked.blocked_by, [admin.id])
    assert.equal(blocked.requester_id, admin.id)
    await rejectsWith(b.service('friendships').create({ user_id: admin.id }), 'Forbidden', 'blocked')
    await rejectsWith(a.service('friendships').create({ user_id: bob.id }), 'Forbidden', 'blocked')
    await rejectsWith(
      a.service('friendships').create({ user_id: bob.id, block: true }),
      'Conflict',
      'already_blocked'
    )
    await rejectsWith(
      a.service('friendships').patch(blocked.id, { status: 'blocked' }),
      'Conflict',
      'already_blocked'
    )
    await rejectsWith(
      b.service('friendships').patch(blocked.id, { status: 'accepted' }),
      'Conflict',
      'not_pending'
    )
    await rejectsWith(b.service('friendships').remove(blocked.id), 'Forbidden', 'blocked')
    // The blocked user sees the row and who blocks, like the errors above tell them anyway.
    assert.deepEqual((await b.service('friendships').get(blocked.id)).blocked_by, [admin.id])

    const unblocked = await a.service('friendships').remove(blocked.id)
    assert.equal(unblocked.id, blocked.id)
    assert.equal(await isBlockedBetween(db(), admin.id, bob.id), false)
    assert.equal((await b.service('friendships').create({ user_id: admin.id })).status, 'pending')
  })

  it('blocking a friend or a pending request ends it; both may block and each lifts only their own', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const c = await pool.client(carol)
    const f = await a.service('friendships').create({ user_id: bob.id })
    await b.service('friendships').patch(f.id, { status: 'accepted' })
    const byBob = await b.service('friendships').patch(f.id, { status: 'blocked' })
    assert.equal(byBob.id, f.id, 'still one row per pair')
    assert.equal(byBob.status, 'blocked')
    assert.equal(byBob.accepted_at, null)
    assert.deepEqual(byBob.blocked_by, [bob.id])
    assert.equal((await a.service('friendships').find({ query: { status: 'accepted' } })).total, 0)

    const both = await a.service('friendships').create({ user_id: bob.id, block: true })
    assert.equal(both.id, f.id)
    assert.deepEqual(both.blocked_by, [bob.id, admin.id])
    // Bob lifts his block; Ann's stands, and the row says so.
    const stillBlocked = await b.service('friendships').remove(f.id)
    assert.equal(stillBlocked.status, 'blocked')
    assert.deepEqual(stillBlocked.blocked_by, [admin.id])
    await rejectsWith(b.service('friendships').create({ user_id: admin.id }), 'Forbidden', 'blocked')
    await rejectsWith(b.service('friendships').remove(f.id), 'Forbidden', 'blocked')
    await a.service('friendships').remove(f.id)
    await rejectsWith(a.service('friendships').get(f.id), 'NotFound', 'not_found')

    // Blocking the sender of a pending request (the addressee blocks) ends the request.
    const req = await c.service('friendships').create({ user_id: admin.id })
    const blocked = await a.service('friendships').patch(req.id, { status: 'blocked' })
    assert.deepEqual([blocked.status, blocked.blocked_by], ['blocked', [admin.id]])
    await rejectsWith(c.service('friendships').remove(req.id), 'Forbidden', 'blocked')
  })

  it('may block suspended users, who cannot be sent requests', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    await a.service('users').patch(members[0].id, { status: 'suspended' } as any)
    await rejectsWith(a.service('friendships').create({ user_id: members[0].id }), 'NotFound', 'not_found')
    assert.equal(
      (await a.service('friendships').create({ user_id: members[0].id, block: true })).status,
      'blocked'
    )
  })
})

describe('friendships: block helpers for DMs and mentions', () => {
  const pool = clientPool('rest')

  it('finds blocks in either direction and only between the given users', async () => {
    const { admin, members } = await orgWith(pool.url, 3)
    const [bob, carol, dave] = members
    const a = await pool.client(admin)
    const c = await pool.client(carol)
    await a.service('friendships').create({ user_id: bob.id, block: true })
    await c.service('friendships').create({ user_id: admin.id, block: true })
    const f = await a.service('friendships').create({ user_id: dave.id })
    await (await pool.client(dave)).service('friendships').patch(f.id, { status: 'accepted' })

    assert.equal(await isBlockedBetween(db(), admin.id, bob.id), true)
    assert.equal(await isBlockedBetween(db(), bob.id, admin.id), true)
    assert.equal(await isBlockedBetween(db(), admin.id, carol.id), true)
    assert.equal(await isBlockedBetween(db(), admin.id, dave.id), false, 'friends are not blocked')
    assert.equal(await isBlockedBetween(db(), bob.id, carol.id), false)
    assert.deepEqual(
      await blockedAmong(db(), admin.id, [bob.id, carol.id, dave.id]),
      new Set([bob.id, carol.id])
    )
    assert.deepEqual(await withoutBlocked(db(), admin.id, [dave.id, bob.id, carol.id]), [dave.id])
    assert.deepEqual(await withoutBlocked(db(), bob.id, [carol.id, admin.id, dave.id]), [carol.id, dave.id])
    assert.deepEqual(await withoutBlocked(db(), bob.id, []), [])
  })
})
