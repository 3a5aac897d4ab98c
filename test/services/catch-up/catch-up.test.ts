// Bulk catch-up over REST and Socket.IO: everything after my positions in all my rooms, in (room, seq) order,
// over several pages, exactly as messages.find shows it; left, kicked and other orgs' rooms never; bad input 400.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { clientPool, memberOf, orgWith, rejectsWith } from '../rooms/helpers'
import type { ClientApplication } from '../../../src/client'
import { catchUpExternalResolver } from '../../../src/services/catch-up/catch-up.schema'
import { messageExternalResolver } from '../../../src/services/messages/messages.schema'

type Since = Record<string, number>

// Every page of a catch-up from `since`, with `limit` per page; asserts the pages chain by cursor.
const catchUpAll = async (c: ClientApplication, since: Since, limit: number, extra: object = {}) => {
  const pages: any[] = []
  let cursor: string | undefined
  for (;;) {
    const query: any = { since, limit, ...extra, ...(cursor ? { cursor } : {}) }
    const page = await c.service('catch-up').find({ query })
    pages.push(page)
    assert.ok(page.data.length <= limit)
    if (!page.has_more) {
      assert.equal(page.next_cursor, null)
      break
    }
    assert.equal(page.data.length, limit, 'a page with more after it is full')
    cursor = page.next_cursor!
  }
  return { pages, data: pages.flatMap((p) => p.data) }
}

// What messages.find answers after each position, room by room in room id order: the expected catch-up.
const perRoom = async (c: ClientApplication, since: Since) => {
  const out: any[] = []
  for (const roomId of Object.keys(since).sort()) {
    for (let after = since[roomId], more = true; more;) {
      const page = await c.service('messages').find({ query: { room_id: roomId, after, limit: 100 } })
      out.push(...page.data)
      more = page.has_more
      if (page.data.length) after = page.data[page.data.length - 1].seq
    }
  }
  return out
}

const send = async (c: ClientApplication, roomId: string, n: number, label: string) => {
  const sent = []
  for (let i = 0; i < n; i++)
    sent.push(await c.service('messages').create({ room_id: roomId, body: `${label} ${i}` }))
  return sent
}

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

  it('shows edits, unsends and deletes the way messages.find shows them', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const b = await pool.client(members[0])
    const room = await a.service('rooms').create({ name: 'Changes', member_ids: [members[0].id] } as any)
    const sent = await send(b, room.id, 4, 'note')
    await b.service('messages').patch(sent[0].id, { body: 'edited' })
    await b.service('messages').patch(sent[1].id, { unsent: true })
    await a.service('messages').remove(sent[2].id)
    const since = { [room.id]: 0 }
    const { data } = await catchUpAll(a, since, 2)
    assert.deepEqual(data, await perRoom(a, since))
    assert.equal(data[0].body, 'edited')
    assert.ok(data[1].unsent_at && data[2].deleted_at)
  })

  it('with updated_after also brings the changes to what I hold, as messages.find({ updated_after }) does', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const b = await pool.client(members[0])
    const room = await a.service('rooms').create({ name: 'Held', member_ids: [members[0].id] } as any)
    const quiet = await a.service('rooms').create({ name: 'Quiet', member_ids: [members[0].id] } as any)
    await send(a, quiet.id, 2, 'quiet')
    const sent = await send(b, room.id, 6, 'held')
    // The server's time of the last thing I hold (updated_at: its transaction's start).
    const t = sent[5].updated_at
    await b.service('messages').patch(sent[1].id, { body: 'edited while away' })
    await b.service('messages').patch(sent[3].id, { unsent: true })
    await a.service('messages').remove(sent[4].id)
    await send(a, room.id, 2, 'new')
    const since = { [room.id]: 6, [quiet.id]: 2 }

    const changed: any[] = []
    for (let after = 0, more = true; more;) {
      const query = {
        room_id: room.id,
        updated_after: t,
        after,
        before: 7,
        order: 'asc' as const,
        limit: 100
      }
      const page = await a.service('messages').find({ query })
      changed.push(...page.data)
      more = page.has_more
      if (page.data.length) after = page.data[page.data.length - 1].seq
    }
    // 6 itself may come too: updated_after has millisecond precision, updated_at microseconds.
    assert.deepEqual(
      changed.map((m) => m.seq).filter((seq) => seq !== 6),
      [2, 4, 5]
    )
    const expected = [...changed, ...(await perRoom(a, { [room.id]: 6 }))]
    const { data } = await catchUpAll(a, since, 2)
    assert.deepEqual(
      data.map((m) => m.seq),
      [7, 8],
      'without updated_after only what is after my position'
    )
    const withChanges = await catchUpAll(a, since, 2, { updated_after: t })
    assert.deepEqual(withChanges.data, expected)
    assert.equal(withChanges.data[0].body, 'edited while away')
    assert.ok(withChanges.data[1].unsent_at && withChanges.data[2].deleted_at)
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

describe('catch-up items', () => {
  it('resolve every external field messages.find resolves (a new one there must be added here)', () => {
    const fields = (resolver: any) => Object.keys(resolver.options.properties).sort()
    assert.deepEqual(fields(catchUpExternalResolver), fields(messageExternalResolver))
  })
})
