// Room members over REST and Socket.IO: owners/admins add and kick, members leave, counts stay right.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { clientPool, db, memberOf, orgWith, rejectsWith } from '../rooms/helpers'

forEachTransport('members', (transport) => {
  const pool = clientPool(transport)

  it('lets owners and admins add org users (409 already_member on repeat); added members get the room live', async () => {
    const { admin, members } = await orgWith(pool.url, 4)
    const [bob, carol, dave, erin] = members
    const { admin: stranger } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Crew', member_ids: [bob.id] })
    const carolLive = record(await pool.client(carol, 'socketio'), ['members', 'messages'])

    const added = await a.service('members').create({ room_id: room.id, user_id: carol.id })
    assert.equal(added.user_id, carol.id)
    assert.equal(added.role, 'member')
    assert.equal(added.username, carol.username)
    await carolLive.waitFor((r) => r.path === 'members' && r.event === 'created' && r.data.id === added.id)
    const hello = await a.service('messages').create({ room_id: room.id, body: 'welcome' })
    await carolLive.waitFor((r) => r.path === 'messages' && r.data.id === hello.id)
    assert.equal((await a.service('rooms').get(room.id)).member_count, 3)

    await rejectsWith(
      a.service('members').create({ room_id: room.id, user_id: carol.id }),
      'Conflict',
      'already_member'
    )
    await rejectsWith(
      a.service('members').create({ room_id: room.id, user_id: stranger.id }),
      'NotFound',
      'not_found'
    )
    const b = await pool.client(bob)
    await rejectsWith(
      b.service('members').create({ room_id: room.id, user_id: dave.id }),
      'Forbidden',
      'room_role_required'
    )
    // Someone outside the room cannot add anybody, not even themselves.
    await rejectsWith(
      (await pool.client(dave)).service('members').create({ room_id: room.id, user_id: dave.id }),
      'NotFound'
    )

    await a.service('members').patch((await memberOf(a, room.id, bob.id)).id, { role: 'admin' })
    const byAdmin = await b.service('members').create({ room_id: room.id, user_id: erin.id })
    assert.equal(byAdmin.user_id, erin.id)
    assert.equal((await a.service('rooms').get(room.id)).member_count, 4)
  })

  it('lets owners and admins kick members; a kicked member loses access and stops getting events', async () => {
    const { admin, members } = await orgWith(pool.url, 3)
    const [bob, carol, dave] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Kick', member_ids: [bob.id, carol.id, dave.id] })
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const bobLive = record(await pool.client(bob, 'socketio'), ['members', 'messages'])
    const c = await pool.client(carol)
    const bobRow = await memberOf(a, room.id, bob.id)
    await rejectsWith(c.service('members').remove(bobRow.id), 'Forbidden', 'room_role_required')

    const kicked = await a.service('members').remove(bobRow.id)
    assert.equal(kicked.user_id, bob.id)
    await bobLive.waitFor((r) => r.path === 'members' && r.event === 'removed' && r.data.id === bobRow.id)
    const after = await a.service('messages').create({ room_id: room.id, body: 'bob is gone' })
    const marker = await a.service('messages').create({ room_id: dm.id, body: 'marker' })
    await bobLive.waitFor((r) => r.path === 'messages' && r.data.id === marker.id)
    assert.equal(
      bobLive.seen.filter((r) => r.data.id === after.id).length,
      0,
      'kicked member still got room events'
    )
    const b = await pool.client(bob)
    await rejectsWith(b.service('rooms').get(room.id), 'NotFound')
    await rejectsWith(b.service('messages').find({ query: { room_id: room.id } }), 'NotFound')
    await rejectsWith(b.service('members').get(bobRow.id), 'NotFound')
    assert.equal((await a.service('rooms').get(room.id)).member_count, 3)

    // An admin kicks members but not owners.
    await a.service('members').patch((await memberOf(a, room.id, carol.id)).id, { role: 'admin' })
    await c.service('members').remove((await memberOf(c, room.id, dave.id)).id)
    await rejectsWith(
      c.service('members').remove((await memberOf(c, room.id, admin.id)).id),
      'Forbidden',
      'owner_required'
    )
    assert.equal((await a.service('rooms').get(room.id)).member_count, 2)
  })

  it('keeps member_count right when the same member is kicked twice at once', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Twice', member_ids: [bob.id, carol.id] })
    const bobRow = await memberOf(a, room.id, bob.id)
    const results = await Promise.allSettled([
      a.service('members').remove(bobRow.id),
      a.service('members').remove(bobRow.id)
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    assert.equal(failed.reason.name, 'NotFound')
    const { member_count: count } = await db()('rooms').where({ id: room.id }).first()
    assert.equal(count, 2)
    assert.equal((await a.service('rooms').get(room.id)).member_count, 2)
  })

  it('lets members leave', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Leavable', member_ids: [bob.id] })
    const b = await pool.client(bob)
    const left = await b.service('members').remove((await memberOf(b, room.id, bob.id)).id)
    assert.equal(left.user_id, bob.id)
    assert.equal((await b.service('rooms').find({})).total, 0)
    assert.equal((await a.service('rooms').get(room.id)).member_count, 1)
    await rejectsWith(b.service('messages').create({ room_id: room.id, body: 'still here?' }), 'NotFound')
  })
})
