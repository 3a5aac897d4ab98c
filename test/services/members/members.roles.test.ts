// Room member roles over REST and Socket.IO: promote/demote, ownership hand-over, join codes, mute, privacy.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { clientPool, memberOf, orgWith, rejectsWith } from '../rooms/helpers'

forEachTransport('members: roles and access', (transport) => {
  const pool = clientPool(transport)

  it('promotes and demotes admins; only owners make or unmake owners (403 owner_required)', async () => {
    const { admin, members } = await orgWith(pool.url, 3)
    const [bob, carol, dave] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Ranks', member_ids: [bob.id, carol.id, dave.id] })
    const [bobRow, carolRow, daveRow, ownerRow] = await Promise.all(
      [bob, carol, dave, admin].map((u) => memberOf(a, room.id, u.id))
    )
    const d = await pool.client(dave)
    await rejectsWith(
      d.service('members').patch(carolRow.id, { role: 'admin' }),
      'Forbidden',
      'room_role_required'
    )
    await rejectsWith(
      d.service('members').patch(daveRow.id, { role: 'admin' }),
      'Forbidden',
      'room_role_required'
    )
    // Even a no-op role patch on someone else's row is not for plain members.
    await rejectsWith(
      d.service('members').patch(carolRow.id, { role: 'member' }),
      'Forbidden',
      'room_role_required'
    )

    const daveLive = record(await pool.client(dave, 'socketio'), ['members'])
    assert.equal((await a.service('members').patch(bobRow.id, { role: 'admin' })).role, 'admin')
    await daveLive.waitFor((r) => r.event === 'patched' && r.data.id === bobRow.id && r.data.role === 'admin')
    const b = await pool.client(bob)
    assert.equal((await b.service('members').patch(carolRow.id, { role: 'admin' })).role, 'admin')
    assert.equal((await b.service('members').patch(carolRow.id, { role: 'member' })).role, 'member')
    await rejectsWith(
      b.service('members').patch(daveRow.id, { role: 'owner' }),
      'Forbidden',
      'owner_required'
    )
    await rejectsWith(b.service('members').patch(bobRow.id, { role: 'owner' }), 'Forbidden', 'owner_required')
    await rejectsWith(
      b.service('members').patch(ownerRow.id, { role: 'member' }),
      'Forbidden',
      'owner_required'
    )
    assert.equal((await a.service('members').patch(bobRow.id, { role: 'member' })).role, 'member')
    assert.equal((await a.service('rooms').get(room.id)).my_role, 'owner')
    assert.equal((await b.service('rooms').get(room.id)).my_role, 'member')
  })

  it('hands ownership over; the last owner cannot leave or step down while others remain (409 last_owner)', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Heirs', member_ids: [bob.id, carol.id] })
    const ownerRow = await memberOf(a, room.id, admin.id)
    const bobRow = await memberOf(a, room.id, bob.id)
    await rejectsWith(a.service('members').remove(ownerRow.id), 'Conflict', 'last_owner')
    await rejectsWith(a.service('members').patch(ownerRow.id, { role: 'admin' }), 'Conflict', 'last_owner')

    assert.equal((await a.service('members').patch(bobRow.id, { role: 'owner' })).role, 'owner')
    const b = await pool.client(bob)
    assert.equal((await b.service('rooms').get(room.id)).my_role, 'owner')
    assert.equal(typeof (await b.service('rooms').get(room.id)).join_code, 'string')
    await a.service('members').remove(ownerRow.id)
    await rejectsWith(a.service('rooms').get(room.id), 'NotFound')
    await rejectsWith(b.service('members').remove(bobRow.id), 'Conflict', 'last_owner')
    const renamed = await b.service('rooms').patch(room.id, { name: 'New era' })
    assert.equal(renamed.name, 'New era')

    // Alone in the room, the owner may leave, but not step down (nobody could ever manage the room again).
    await b.service('members').remove((await memberOf(b, room.id, carol.id)).id)
    await rejectsWith(b.service('members').patch(bobRow.id, { role: 'member' }), 'Conflict', 'last_owner')
    await b.service('members').remove(bobRow.id)
    assert.equal((await b.service('rooms').find({})).total, 0)
  })

  it('joins by join_code; only owners/admins see it; rotating it retires the old code', async () => {
    const { admin, members } = await orgWith(pool.url, 3)
    const [bob, carol, dave] = members
    const { admin: stranger } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Open door', member_ids: [bob.id] })
    const code = room.join_code!
    const b = await pool.client(bob)
    assert.equal((await b.service('rooms').get(room.id)).join_code, undefined)
    assert.equal((await b.service('rooms').find({})).data[0].join_code, undefined)

    const c = await pool.client(carol)
    const carolLive = record(await pool.client(carol, 'socketio'), ['messages'])
    const joined = await c.service('members').create({ join_code: code })
    assert.equal(joined.room_id, room.id)
    assert.equal(joined.role, 'member')
    assert.equal((await c.service('rooms').get(room.id)).member_count, 3)
    const hello = await a.service('messages').create({ room_id: room.id, body: 'welcome, carol' })
    await carolLive.waitFor((r) => r.data.id === hello.id)
    await rejectsWith(c.service('members').create({ join_code: code }), 'Conflict', 'already_member')
    await rejectsWith(
      (await pool.client(stranger)).service('members').create({ join_code: code }),
      'NotFound',
      'join_code_invalid'
    )

    await rejectsWith(
      b.service('rooms').patch(room.id, { rotate_join_code: true }),
      'Forbidden',
      'room_role_required'
    )
    const rotated = await a.service('rooms').patch(room.id, { rotate_join_code: true })
    assert.ok(rotated.join_code && rotated.join_code !== code)
    const d = await pool.client(dave)
    await rejectsWith(d.service('members').create({ join_code: code }), 'NotFound', 'join_code_invalid')
    assert.equal((await d.service('members').create({ join_code: rotated.join_code! })).room_id, room.id)

    await a.service('rooms').patch(room.id, { archived: true })
    await b.service('members').remove((await memberOf(b, room.id, bob.id)).id)
    await rejectsWith(
      b.service('members').create({ join_code: rotated.join_code! }),
      'Forbidden',
      'room_archived'
    )
  })

  it('mutes only my own membership', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Noisy', member_ids: [bob.id] })
    const b = await pool.client(bob)
    const mine = await memberOf(b, room.id, bob.id)
    assert.equal((await b.service('members').patch(mine.id, { muted: true })).muted, true)
    assert.equal((await b.service('rooms').get(room.id)).muted, true)
    assert.equal((await a.service('rooms').get(room.id)).muted, false)
    // Others do not learn that Bob muted the room; Bob's own row still says so.
    const roster = await a.service('members').find({ query: { room_id: room.id } })
    const bobsRow = roster.data.find((m: any) => m.user_id === bob.id)!
    assert.equal('muted' in bobsRow, false)
    assert.equal(roster.data.find((m: any) => m.user_id === admin.id)!.muted, false)
    assert.equal((await b.service('members').get(mine.id)).muted, true)
    await rejectsWith(a.service('members').patch(mine.id, { muted: false }), 'Forbidden', 'not_owner')
    await rejectsWith(
      b.service('members').patch((await memberOf(b, room.id, admin.id)).id, { muted: true }),
      'Forbidden',
      'not_owner'
    )
    assert.equal((await b.service('members').patch(mine.id, { muted: false })).muted, false)
  })

  it('hides member rows and rosters of rooms I am not in (404)', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const { admin: stranger } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Private' })
    const row = await memberOf(a, room.id, admin.id)
    for (const who of [bob, stranger]) {
      const c = await pool.client(who)
      await rejectsWith(c.service('members').find({ query: { room_id: room.id } }), 'NotFound')
      await rejectsWith(c.service('members').get(row.id), 'NotFound')
      await rejectsWith(c.service('members').patch(row.id, { muted: true }), 'NotFound')
      await rejectsWith(c.service('members').remove(row.id), 'NotFound')
    }
  })
})
