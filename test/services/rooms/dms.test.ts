// Direct messages over REST and Socket.IO: open-or-get, exactly one DM per pair under races, refusals.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { clientPool, db, orgWith, rejectsWith } from './helpers'

forEachTransport('rooms: direct messages', (transport) => {
  const pool = clientPool(transport)

  it('opens a DM with a user of my org, and returns the existing one when either of us asks again', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const bobLive = record(await pool.client(bob, 'socketio'), ['rooms', 'messages'])
    const a = await pool.client(admin)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    assert.equal(dm.kind, 'dm')
    assert.equal(dm.name, null)
    assert.equal(dm.member_count, 2)
    assert.equal(dm.dm_peer_id, bob.id)
    assert.equal(dm.my_role, 'member')
    assert.equal(dm.join_code, undefined)
    await bobLive.waitFor((r) => r.path === 'rooms' && r.event === 'created' && r.data.id === dm.id)

    const again = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    assert.equal(again.id, dm.id)
    const fromBob = await (await pool.client(bob)).service('rooms').create({ kind: 'dm', user_id: admin.id })
    assert.equal(fromBob.id, dm.id)
    assert.equal(fromBob.dm_peer_id, admin.id)
    // Re-opening is not news: after a marker message, Bob has seen exactly one `rooms created` for it.
    const marker = await a.service('messages').create({ room_id: dm.id, body: 'marker' })
    await bobLive.waitFor((r) => r.path === 'messages' && r.data.id === marker.id)
    assert.equal(bobLive.seen.filter((r) => r.path === 'rooms' && r.event === 'created').length, 1)

    const other = await a.service('rooms').create({ kind: 'dm', user_id: carol.id })
    assert.notEqual(other.id, dm.id)
    const listed = await a.service('rooms').find({ query: { kind: 'dm' } })
    assert.deepEqual(new Set(listed.data.map((r: any) => r.id)), new Set([dm.id, other.id]))
  })

  it('creates exactly one DM per pair when both users ask at the same moment', async function () {
    this.timeout(60000)
    const { admin, members } = await orgWith(pool.url, 15)
    const a = await pool.client(admin)
    const clients = await Promise.all(members.map((m) => pool.client(m)))
    for (let i = 0; i < members.length; i++) {
      const peer = members[i]
      const [mine, theirs] = await Promise.all([
        a.service('rooms').create({ kind: 'dm', user_id: peer.id }),
        clients[i].service('rooms').create({ kind: 'dm', user_id: admin.id })
      ])
      assert.equal(mine.id, theirs.id, `pair ${i} got two DMs`)
      const rows = await db()('rooms').where({ kind: 'dm', id: mine.id })
      assert.equal(rows.length, 1)
      const dmMembers = await db()('room_members').where({ room_id: mine.id }).orderBy('user_id')
      assert.deepEqual(
        dmMembers.map((m) => m.user_id),
        [admin.id, peer.id].sort()
      )
    }
    const dms = await db()('room_members as rm')
      .join('rooms as r', 'r.id', 'rm.room_id')
      .where({ 'rm.user_id': admin.id, 'r.kind': 'dm' })
      .count({ n: '*' })
    assert.equal(Number(dms[0].n), members.length)
    // Many asks of the same pair at once still find the one room.
    const peer = members[0]
    const burst = await Promise.all(
      Array.from({ length: 6 }, (_, k) =>
        k % 2
          ? a.service('rooms').create({ kind: 'dm', user_id: peer.id })
          : clients[0].service('rooms').create({ kind: 'dm', user_id: admin.id })
      )
    )
    assert.equal(new Set(burst.map((r) => r.id)).size, 1)
  })

  it('refuses a DM with myself (400 dm_self) and with a user of another org or nobody (404)', async () => {
    const { admin } = await createOrg(pool.url)
    const { admin: stranger } = await createOrg(pool.url)
    const a = await pool.client(admin)
    await rejectsWith(a.service('rooms').create({ kind: 'dm', user_id: admin.id }), 'BadRequest', 'dm_self')
    await rejectsWith(
      a.service('rooms').create({ kind: 'dm', user_id: stranger.id }),
      'NotFound',
      'not_found'
    )
    await rejectsWith(
      a.service('rooms').create({ kind: 'dm', user_id: '0b0c0d0e-1111-4222-8333-944455556666' }),
      'NotFound',
      'not_found'
    )
    await rejectsWith(
      a.service('rooms').create({ kind: 'dm', user_id: stranger.id, name: 'x' } as any),
      'BadRequest'
    )
    assert.equal((await a.service('rooms').find({})).total, 0)
  })

  it('refuses to rename, archive, or change the members of a DM (403 dm_immutable)', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    await rejectsWith(a.service('rooms').patch(dm.id, { name: 'Our chat' }), 'Forbidden', 'dm_immutable')
    await rejectsWith(a.service('rooms').patch(dm.id, { archived: true }), 'Forbidden', 'dm_immutable')
    await rejectsWith(
      a.service('members').create({ room_id: dm.id, user_id: carol.id }),
      'Forbidden',
      'dm_immutable'
    )
    const mine = (await a.service('members').find({ query: { room_id: dm.id, user_id: admin.id } })).data[0]
    await rejectsWith(a.service('members').remove(mine.id), 'Forbidden', 'dm_immutable')
    await rejectsWith(a.service('members').patch(mine.id, { role: 'owner' }), 'Forbidden', 'dm_immutable')
    const got = await a.service('rooms').get(dm.id)
    assert.equal(got.name, null)
    assert.equal(got.archived_at, null)
    assert.equal(got.member_count, 2)
  })
})
