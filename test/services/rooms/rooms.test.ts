// Group rooms over REST and Socket.IO: creation, my room list (preview, unread, order, pages), get, rename.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { clientPool, db, orgWith, rejectsWith } from './helpers'

forEachTransport('rooms', (transport) => {
  const pool = clientPool(transport)

  it('creates a group room: the creator is owner, member_ids are added and hear about it', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const bobLive = record(await pool.client(bob, 'socketio'), ['rooms'])
    const room = await (await pool.client(admin)).service('rooms').create({
      name: '  Launch\u0007  plans ',
      topic: 'Q4',
      member_ids: [bob.id, carol.id, admin.id]
    })
    assert.equal(room.kind, 'group')
    assert.equal(room.name, 'Launch plans')
    assert.equal(room.topic, 'Q4')
    assert.equal(room.created_by, admin.id)
    assert.equal(room.my_role, 'owner')
    assert.equal(room.member_count, 3)
    assert.equal(typeof room.join_code, 'string')
    const roster = await (await pool.client(bob)).service('members').find({ query: { room_id: room.id } })
    assert.equal(roster.total, 3)
    const roles = Object.fromEntries(roster.data.map((m: any) => [m.user_id, m.role]))
    assert.deepEqual(roles, { [admin.id]: 'owner', [bob.id]: 'member', [carol.id]: 'member' })
    const event = await bobLive.waitFor((r) => r.event === 'created' && r.data.id === room.id)
    assert.equal(event.data.name, 'Launch plans')
    for (const personal of ['join_code', 'my_role', 'unread_count', 'last_read_seq'])
      assert.equal(event.data[personal], undefined)
  })

  it('refuses unknown, foreign or suspended member_ids with 400 invalid_member and writes nothing', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, suspended] = members
    const { admin: stranger } = await createOrg(pool.url)
    const c = await pool.client(admin)
    await c.service('users').patch(suspended.id, { status: 'suspended' } as any)
    const roomsBefore = await db()('rooms').where({ created_by: admin.id }).count({ n: '*' })
    for (const bad of [stranger.id, '7d4c8f2e-1b3a-4c5d-9e6f-0a1b2c3d4e5f', suspended.id]) {
      await rejectsWith(
        c.service('rooms').create({ name: 'Nope', member_ids: [bob.id, bad] }),
        'BadRequest',
        'invalid_member'
      )
    }
    await rejectsWith(c.service('rooms').create({ name: 'Nope', member_ids: ['not-a-uuid'] }), 'BadRequest')
    assert.deepEqual(await db()('rooms').where({ created_by: admin.id }).count({ n: '*' }), roomsBefore)
    assert.equal((await c.service('rooms').find({})).total, 0)
    assert.equal(Number((await db()('room_members').where({ user_id: bob.id }).count({ n: '*' }))[0].n), 0)
  })

  it('lists my rooms with last message preview, my unread count and member count, newest activity first', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const older = await a.service('rooms').create({ name: 'Older', member_ids: [bob.id] })
    const middle = await a.service('rooms').create({ name: 'Middle', member_ids: [bob.id, carol.id] })
    const newer = await a.service('rooms').create({ name: 'Newer' })
    await (await pool.client(carol)).service('rooms').create({ name: 'Not mine' })
    let mine = await a.service('rooms').find({})
    assert.deepEqual(
      mine.data.map((r: any) => r.name),
      ['Newer', 'Middle', 'Older']
    )
    assert.equal(mine.total, 3)
    assert.equal(mine.data[1].member_count, 3)
    assert.equal(mine.data[0].last_message, null)

    // Activity in the oldest room moves it to the top, with its preview and my unread count.
    await b.service('messages').create({ room_id: older.id, body: 'first from bob' })
    const last = await b.service('messages').create({ room_id: older.id, body: 'x'.repeat(300) })
    mine = await a.service('rooms').find({})
    assert.deepEqual(
      mine.data.map((r: any) => r.id),
      [older.id, newer.id, middle.id]
    )
    const top: any = mine.data[0]
    assert.equal(top.unread_count, 2)
    assert.equal(top.last_seq, 2)
    assert.equal(top.last_read_seq, 0)
    assert.equal(top.member_count, 2)
    assert.equal(top.last_message.id, last.id)
    assert.equal(top.last_message.seq, 2)
    assert.equal(top.last_message.sender_id, bob.id)
    assert.ok(top.last_message.body.length <= 140 && top.last_message.body.startsWith('xxx'))
    const bobsView: any = (await b.service('rooms').find({})).data.find((r: any) => r.id === older.id)
    assert.equal(bobsView.unread_count, 0)

    await a.service('messages').create({ room_id: middle.id, body: 'now middle' })
    assert.deepEqual(
      (await a.service('rooms').find({})).data.map((r: any) => r.id),
      [middle.id, older.id, newer.id]
    )
  })

  it('paginates my rooms with $limit and $skip and reports the total', async () => {
    const { admin } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await a.service('rooms').create({ name: `Room ${i}` })).id)
    const seen: string[] = []
    for (let skip = 0; skip < 6; skip += 2) {
      const page = await a.service('rooms').find({ query: { $limit: 2, $skip: skip } })
      assert.equal(page.total, 5)
      assert.equal(page.limit, 2)
      assert.equal(page.skip, skip)
      assert.equal(page.data.length, Math.min(2, 5 - skip))
      seen.push(...page.data.map((r: any) => r.id))
    }
    assert.deepEqual(seen, [...made].reverse())
    await rejectsWith(a.service('rooms').find({ query: { $limit: 101 } }), 'BadRequest')
  })

  it('gets one of my rooms; rooms of other orgs and rooms I am not in are 404', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const { admin: stranger } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Mine' })
    const got = await a.service('rooms').get(room.id)
    assert.equal(got.id, room.id)
    assert.equal(got.my_role, 'owner')
    const foreign = await (await pool.client(stranger)).service('rooms').create({ name: 'Theirs' })
    const b = await pool.client(bob)
    for (const id of [room.id, foreign.id]) {
      await rejectsWith(b.service('rooms').get(id), 'NotFound', 'not_found')
      await rejectsWith(b.service('rooms').patch(id, { name: 'Hijack' }), 'NotFound', 'not_found')
    }
    await rejectsWith(a.service('rooms').get(foreign.id), 'NotFound', 'not_found')
    assert.equal((await b.service('rooms').find({})).total, 0)
  })

  it('lets only room owners and admins rename and set the topic; members see `rooms patched`', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [owner, helper] = members
    // The org ADMIN is a plain member of this room: org roles do not reach into rooms.
    const o = await pool.client(owner)
    const room = await o.service('rooms').create({ name: 'Team', member_ids: [admin.id, helper.id] })
    const adminLive = record(await pool.client(admin, 'socketio'), ['rooms'])
    await rejectsWith(
      (await pool.client(admin)).service('rooms').patch(room.id, { name: 'Mine now' }),
      'Forbidden',
      'room_role_required'
    )
    const renamed = await o.service('rooms').patch(room.id, { name: '  Team\u0000 Two ', topic: 'Shipping' })
    assert.equal(renamed.name, 'Team Two')
    assert.equal(renamed.topic, 'Shipping')
    const event = await adminLive.waitFor((r) => r.event === 'patched' && r.data.id === room.id)
    assert.equal(event.data.name, 'Team Two')
    assert.equal(event.data.join_code, undefined)

    const helperRow = (await o.service('members').find({ query: { room_id: room.id, user_id: helper.id } }))
      .data[0]
    await o.service('members').patch(helperRow.id, { role: 'admin' })
    const h = await pool.client(helper)
    const byAdmin = await h.service('rooms').patch(room.id, { topic: null })
    assert.equal(byAdmin.topic, null)
    assert.equal(typeof byAdmin.join_code, 'string')
    await rejectsWith(o.service('rooms').patch(room.id, { name: '   ' }), 'BadRequest')
    await rejectsWith(o.service('rooms').patch(room.id, {}), 'BadRequest')
    assert.equal((await o.service('rooms').get(room.id)).name, 'Team Two')
  })
})
