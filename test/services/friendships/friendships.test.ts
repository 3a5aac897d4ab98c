// Friendships over REST and Socket.IO: requests by id and username, accept/reject/cancel/unfriend, races, and
// the rules of who may do what.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { clientPool, db, orgWith, rejectsWith } from '../rooms/helpers'
import { friendshipSchema, friendshipViewSchema } from '../../../src/services/friendships/friendships.schema'
import { assertMatches, assertPageMatches } from '../../helpers/schemas'

forEachTransport('friendships', (transport) => {
  const pool = clientPool(transport)

  it('requests by id and by @Username, the addressee accepts or rejects, both see the same row', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const c = await pool.client(carol)

    const toBob = await a.service('friendships').create({ user_id: bob.id })
    assertMatches(friendshipViewSchema, toBob)
    assert.equal(toBob.status, 'pending')
    assert.equal(toBob.requester_id, admin.id)
    assert.equal(toBob.addressee_id, bob.id)
    assert.equal(toBob.peer_id, bob.id)
    assert.equal(toBob.direction, 'outgoing')
    assert.deepEqual(toBob.blocked_by, [])
    assert.equal(toBob.addressee.username, bob.username)
    assert.equal(toBob.requester.username, admin.username)
    assert.equal(toBob.accepted_at, null)
    assert.ok(!('email' in toBob.addressee), 'profiles carry public fields only')

    const toCarol = await a.service('friendships').create({ username: ` @${carol.username.toUpperCase()} ` })
    assert.equal(toCarol.addressee_id, carol.id)

    const incoming = await b
      .service('friendships')
      .find({ query: { status: 'pending', direction: 'incoming' } })
    assert.deepEqual(
      incoming.data.map((f) => f.id),
      [toBob.id]
    )
    assert.equal(incoming.data[0].direction, 'incoming')
    assert.equal(incoming.data[0].peer_id, admin.id)
    assert.equal((await b.service('friendships').find({ query: { direction: 'outgoing' } })).total, 0)

    const accepted = await b.service('friendships').patch(toBob.id, { status: 'accepted' })
    assertMatches(friendshipViewSchema, accepted)
    assert.equal(accepted.status, 'accepted')
    assert.ok(accepted.accepted_at)
    const rejected = await c.service('friendships').patch(toCarol.id, { status: 'rejected' })
    assert.equal(rejected.status, 'rejected')

    const friends = await a.service('friendships').find({ query: { status: 'accepted' } })
    assertPageMatches(friendshipViewSchema, friends)
    assert.deepEqual(
      friends.data.map((f) => f.peer_id),
      [bob.id]
    )
    assert.deepEqual(
      (await b.service('friendships').find({ query: { status: 'accepted' } })).data.map((f) => f.peer_id),
      [admin.id]
    )
    const all = await a.service('friendships').find({})
    assert.equal(all.total, 2)
    const byPeer = await a.service('friendships').find({ query: { user_id: carol.id } })
    assert.deepEqual(
      byPeer.data.map((f) => f.status),
      ['rejected']
    )
    const got = await b.service('friendships').get(toBob.id)
    assertMatches(friendshipViewSchema, got)
    assert.equal(got.status, 'accepted')
    // One row per pair, whichever way the request went.
    const rows = await db()('friendships')
      .whereIn('requester_id', [admin.id, bob.id])
      .whereIn('addressee_id', [admin.id, bob.id])
    assert.equal(rows.length, 1)
  })

  it('answers a duplicate request 409, a request to myself 400, and turns a request back into acceptance', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const sent = await a.service('friendships').create({ user_id: bob.id })
    await rejectsWith(
      a.service('friendships').create({ username: bob.username }),
      'Conflict',
      'request_exists'
    )
    await rejectsWith(a.service('friendships').create({ user_id: admin.id }), 'BadRequest', 'friend_self')
    await rejectsWith(
      a.service('friendships').create({ username: admin.username }),
      'BadRequest',
      'friend_self'
    )
    await rejectsWith(
      a.service('friendships').create({ user_id: admin.id, block: true }),
      'BadRequest',
      'friend_self'
    )

    // Bob asks Ann while Ann's request to him is pending: that is a yes, on the same row.
    const back = await b.service('friendships').create({ user_id: admin.id })
    assert.equal(back.id, sent.id)
    assert.equal(back.status, 'accepted')
    assert.equal(back.requester_id, admin.id)
    assert.equal(back.direction, 'incoming')
    await rejectsWith(b.service('friendships').create({ user_id: admin.id }), 'Conflict', 'already_friends')
    await rejectsWith(
      a.service('friendships').patch(sent.id, { status: 'accepted' }),
      'Conflict',
      'not_pending'
    )
  })

  it('keeps one row per pair when both users ask at the same moment, and lets only one duplicate through', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const [mine, theirs] = await Promise.all([
      a.service('friendships').create({ user_id: bob.id }),
      b.service('friendships').create({ user_id: admin.id })
    ])
    assert.equal(mine.id, theirs.id)
    const rows = await db()('friendships')
      .whereIn('requester_id', [admin.id, bob.id])
      .whereIn('addressee_id', [admin.id, bob.id])
    assert.deepEqual(
      rows.map((r) => r.status),
      ['accepted'],
      'the second request accepted the first'
    )

    const burst = await Promise.allSettled(
      Array.from({ length: 5 }, () => a.service('friendships').create({ user_id: carol.id }))
    )
    assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 1)
    for (const r of burst) if (r.status === 'rejected') assert.equal(r.reason.data.code, 'request_exists')
  })

  it('lets only the addressee accept or reject, only the requester cancel, and either unfriend', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const sent = await a.service('friendships').create({ user_id: bob.id })
    await rejectsWith(
      a.service('friendships').patch(sent.id, { status: 'accepted' }),
      'Forbidden',
      'not_addressee'
    )
    await rejectsWith(
      a.service('friendships').patch(sent.id, { status: 'rejected' }),
      'Forbidden',
      'not_addressee'
    )
    await rejectsWith(b.service('friendships').remove(sent.id), 'Forbidden', 'not_requester')
    // A third user of the same org cannot see or touch it.
    const c = await pool.client(carol)
    await rejectsWith(c.service('friendships').get(sent.id), 'NotFound', 'not_found')
    await rejectsWith(
      c.service('friendships').patch(sent.id, { status: 'accepted' }),
      'NotFound',
      'not_found'
    )
    await rejectsWith(c.service('friendships').remove(sent.id), 'NotFound', 'not_found')

    const cancelled = await a.service('friendships').remove(sent.id)
    assertMatches(friendshipSchema, cancelled)
    assert.equal(cancelled.id, sent.id)
    await rejectsWith(b.service('friendships').get(sent.id), 'NotFound', 'not_found')

    const again = await a.service('friendships').create({ user_id: bob.id })
    assert.notEqual(again.id, sent.id)
    await b.service('friendships').patch(again.id, { status: 'accepted' })
    const unfriended = await b.service('friendships').remove(again.id)
    assert.equal(unfriended.status, 'accepted', 'remove answers the row as it was')
    assert.equal((await a.service('friendships').find({})).total, 0)
  })

  it('keeps a rejected requester from asking again, while the one who rejected may ask anew', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const sent = await a.service('friendships').create({ user_id: bob.id })
    await b.service('friendships').patch(sent.id, { status: 'rejected' })
    await rejectsWith(a.service('friendships').create({ user_id: bob.id }), 'Conflict', 'request_rejected')
    await rejectsWith(a.service('friendships').remove(sent.id), 'Forbidden', 'request_rejected')
    await rejectsWith(
      b.service('friendships').patch(sent.id, { status: 'accepted' }),
      'Conflict',
      'not_pending'
    )

    // Bob changes his mind: a new request from him replaces the rejected one.
    const fromBob = await b.service('friendships').create({ user_id: admin.id })
    assert.notEqual(fromBob.id, sent.id)
    assert.equal(fromBob.status, 'pending')
    assert.equal(fromBob.requester_id, bob.id)
    await rejectsWith(a.service('friendships').get(sent.id), 'NotFound', 'not_found')
    assert.equal(
      (await a.service('friendships').patch(fromBob.id, { status: 'accepted' })).status,
      'accepted'
    )

    // Forgetting a rejection (removing it) is the rejecter's call, and then anyone may ask again.
    const {
      admin: other,
      members: [dan]
    } = await orgWith(pool.url, 1)
    const o = await pool.client(other)
    const d = await pool.client(dan)
    const r = await o.service('friendships').create({ user_id: dan.id })
    await d.service('friendships').patch(r.id, { status: 'rejected' })
    await d.service('friendships').remove(r.id)
    assert.equal((await o.service('friendships').create({ user_id: dan.id })).status, 'pending')
  })
})
