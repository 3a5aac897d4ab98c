// Bulk catch-up over REST and Socket.IO: everything after my positions in all my rooms, in (room, seq) order,
// over several pages, exactly as messages.find shows it; left, kicked and other orgs' rooms never; bad input 400.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { clientPool, memberOf, orgWith, rejectsWith } from '../rooms/helpers'
import { catchUpAll, perRoom, send } from './helpers'
import type { Since } from './helpers'

forEachTransport('catch-up', (transport) => {
  const pool = clientPool(transport)

  it('brings exactly what I missed in all my rooms, in (room, seq) order, over several pages', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const alice = await pool.client(members[0])
    const rooms = []
    for (const name of ['One', 'Two', 'Three'])
      rooms.push(await a.service('rooms').create({ name, member_ids: [members[0].id] } as any))
    const notMine = await a.service('rooms').create({ name: 'Admins only' })
    for (const room of rooms) await send(a, room.id, 3, 'before')
    // Alice holds the first 3 of One and Three, 1 of Two (she may hold less than the room has: a hole).
    const since: Since = { [rooms[0].id]: 3, [rooms[1].id]: 1, [rooms[2].id]: 3 }
    await send(a, rooms[0].id, 4, 'away')
    await send(alice, rooms[1].id, 2, 'mine from another device')
    await send(a, rooms[1].id, 3, 'away')
    await send(a, notMine.id, 2, 'not for alice')

    const expected = await perRoom(alice, since)
    assert.equal(expected.length, 4 + 2 + 2 + 3)
    const { pages, data } = await catchUpAll(alice, since, 3)
    assert.ok(pages.length >= 4, `several pages (${pages.length})`)
    assert.deepEqual(data, expected, 'the catch-up equals messages.find after each position')
    assert.equal(new Set(data.map((m) => m.id)).size, data.length, 'nothing twice')
    assert.ok(data.every((m) => m.room_id !== notMine.id))
    // My own messages carry their delivery, as in messages.find (admin's later sends moved its pointers).
    const own = data.filter((m) => m.sender_id === members[0].id)
    assert.equal(own.length, 2)
    assert.ok(own.every((m) => m.delivery?.status === 'read' && m.delivery.recipients === 1))
    assert.ok(data.every((m) => (m.sender_id === members[0].id) === (m.delivery !== undefined)))
    assert.deepEqual(pages[0].new_rooms, [])
    assert.deepEqual(pages[0].gone_rooms, [])
    // One page when it all fits; nothing at all once caught up.
    const whole = await alice.service('catch-up').find({ query: { since, limit: 1000 } })
    assert.deepEqual(whole.data, expected)
    assert.equal(whole.has_more, false)
    // A room named twice (in upper and lower case) still comes once, from the lower position.
    const twice = { ...since, [rooms[0].id.toUpperCase()]: 5 }
    const once = await alice.service('catch-up').find({ query: { since: twice, limit: 1000 } })
    assert.deepEqual(once.data, expected)
    assert.deepEqual([once.new_rooms, once.gone_rooms], [[], []])
    const caughtUp: Since = {}
    for (const m of data) caughtUp[m.room_id] = m.seq
    caughtUp[rooms[2].id] = 3
    assert.deepEqual((await alice.service('catch-up').find({ query: { since: caughtUp } })).data, [])
  })

  it('pages through more rooms than a page holds, one message per room', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const alice = await pool.client(members[0])
    const since: Since = {}
    for (let i = 0; i < 6; i++) {
      const room = await a.service('rooms').create({ name: `Many ${i}`, member_ids: [members[0].id] } as any)
      await send(a, room.id, 2, 'one')
      since[room.id] = 1
    }
    const expected = await perRoom(alice, since)
    assert.equal(expected.length, 6)
    for (const limit of [1, 2, 4]) {
      const { pages, data } = await catchUpAll(alice, since, limit)
      assert.deepEqual(data, expected, `pages of ${limit}`)
      assert.equal(pages.length, Math.ceil(6 / limit), 'has_more is exact: no empty last page')
    }
  })

  it('never brings rooms I left or was kicked from, and names rooms new to me and gone', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const alice = await pool.client(members[0])
    const left = await a.service('rooms').create({ name: 'Left', member_ids: [members[0].id] } as any)
    const kicked = await a.service('rooms').create({ name: 'Kicked', member_ids: [members[0].id] } as any)
    const stays = await a.service('rooms').create({ name: 'Stays', member_ids: [members[0].id] } as any)
    const joined = await a.service('rooms').create({ name: 'Joined' })
    for (const room of [left, kicked, stays, joined]) await send(a, room.id, 2, 'before')
    const since = { [left.id]: 2, [kicked.id]: 2, [stays.id]: 2 }
    await alice.service('members').remove((await memberOf(alice, left.id, members[0].id)).id)
    await a.service('members').remove((await memberOf(a, kicked.id, members[0].id)).id)
    await a.service('members').create({ room_id: joined.id, user_id: members[0].id })
    for (const room of [left, kicked, stays, joined]) await send(a, room.id, 2, 'after')

    const { pages, data } = await catchUpAll(alice, since, 5)
    assert.deepEqual([...new Set(data.map((m) => m.room_id))].sort(), [stays.id, joined.id].sort())
    // A room new to me comes whole (its history), a room I stayed in from my position.
    assert.deepEqual(
      data.filter((m) => m.room_id === joined.id).map((m) => m.seq),
      [1, 2, 3, 4]
    )
    assert.deepEqual(
      data.filter((m) => m.room_id === stays.id).map((m) => m.seq),
      [3, 4]
    )
    for (const page of pages) {
      assert.deepEqual(page.new_rooms, [joined.id])
      assert.deepEqual(page.gone_rooms, [left.id, kicked.id].sort())
    }
    // only_since: the rooms named only (the new one is listed, its history not brought).
    const named = await catchUpAll(alice, since, 5, { only_since: true })
    assert.deepEqual(
      named.data.map((m) => [m.room_id, m.seq]),
      [
        [stays.id, 3],
        [stays.id, 4]
      ]
    )
    assert.deepEqual(named.pages[0].new_rooms, [joined.id])
  })

  it("never shows another org's rooms, even when asked for them by id", async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const mine = await a.service('rooms').create({ name: 'Mine', member_ids: [members[0].id] } as any)
    await send(a, mine.id, 2, 'ours')
    const other = await createOrg(pool.url)
    const o = await pool.client(other.admin)
    const theirs = await o.service('rooms').create({ name: 'Theirs' })
    await send(o, theirs.id, 3, 'theirs')

    const page = await a.service('catch-up').find({ query: { since: { [theirs.id]: 0, [mine.id]: 0 } } })
    assert.deepEqual(
      page.data.map((m) => m.room_id),
      [mine.id, mine.id]
    )
    assert.deepEqual(page.gone_rooms, [theirs.id])
    const theirPage = await o.service('catch-up').find({ query: {} })
    assert.deepEqual(
      theirPage.data.map((m) => m.body),
      ['theirs 0', 'theirs 1', 'theirs 2']
    )
    assert.deepEqual(theirPage.new_rooms, [theirs.id])
  })

  it('answers bad input with 400 and a stable code', async () => {
    const { admin } = await orgWith(pool.url, 0)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Bad input' })
    const find = (query: any) => a.service('catch-up').find({ query })
    await rejectsWith(find({ since: { 'not-a-uuid': 1 } }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ since: { [room.id]: -1 } }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ since: { [room.id]: 'x' } }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ limit: 0 }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ limit: 1001 }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ updated_after: 'yesterday' }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ only_since: 'perhaps' }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ room_id: room.id }), 'BadRequest', 'validation_error')
    await rejectsWith(find({ cursor: 'not-a-cursor' }), 'BadRequest', 'invalid_cursor')
    const forged = Buffer.from(`${room.id}.-1`).toString('base64url')
    await rejectsWith(find({ cursor: forged }), 'BadRequest', 'invalid_cursor')
  })
})
