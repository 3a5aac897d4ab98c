// A room of 1,000 members over REST and Socket.IO: created in one call, roster paged, messages reach members
// live, and every member's unread count is right.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg, login } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { clientPool, db, insertOrgUsers, rejectsWith } from '../rooms/helpers'

const SIZE = 1000

forEachTransport('members: a room of 1,000', (transport) => {
  const pool = clientPool(transport)
  let admin: Account
  let users: Array<{ id: string; email: string; username: string }>

  // DIRECT DATABASE WRITE (see insertOrgUsers): 999 org users in two multi-row inserts, for this suite only.
  before(async function () {
    this.timeout(60000)
    admin = (await createOrg(pool.url)).admin
    users = await insertOrgUsers(admin.org_id!, admin, SIZE - 1)
  })

  it('creates the room, pages the roster, and keeps every unread count right', async function () {
    this.timeout(60000)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Everyone', member_ids: users.map((u) => u.id) })
    assert.equal(room.member_count, SIZE)
    assert.equal(
      Number((await db()('room_members').where({ room_id: room.id }).count({ n: '*' }))[0].n),
      SIZE
    )

    const [first, second, last] = await Promise.all(
      [users[0], users[500], users[SIZE - 2]].map((u) => login(pool.url, u.email, admin.password))
    )
    const f = await pool.client(first)
    const s = await pool.client(second)
    const l = await pool.client(last)
    const secondLive = record(await pool.client(second, 'socketio'), ['messages'])
    const lastLive = record(await pool.client(last, 'socketio'), ['messages'])

    const seen = new Set<string>()
    for (let skip = 0; skip < SIZE; skip += 300) {
      const page = await s.service('members').find({ query: { room_id: room.id, $limit: 300, $skip: skip } })
      assert.equal(page.total, SIZE)
      assert.equal(page.data.length, Math.min(300, SIZE - skip))
      for (const m of page.data) seen.add(m.user_id)
    }
    assert.deepEqual(seen, new Set([admin.id, ...users.map((u) => u.id)]))
    assert.equal(
      (await s.service('members').find({ query: { room_id: room.id, $limit: SIZE } })).data.length,
      SIZE
    )
    await rejectsWith(
      s.service('members').find({ query: { room_id: room.id, $limit: SIZE + 1 } }),
      'BadRequest'
    )

    const hello = await a.service('messages').create({ room_id: room.id, body: 'hello everyone' })
    const reply = await f.service('messages').create({ room_id: room.id, body: 'hi!' })
    assert.deepEqual([hello.seq, reply.seq], [1, 2])
    await secondLive.waitFor((r) => r.data.id === reply.id)
    await lastLive.waitFor((r) => r.data.id === reply.id)

    const unreadOf = async (c: typeof a) => (await c.service('rooms').get(room.id)).unread_count
    assert.equal(await unreadOf(a), 1)
    assert.equal(await unreadOf(f), 0)
    assert.equal(await unreadOf(s), 2)
    assert.equal(await unreadOf(l), 2)
    const listed = (await l.service('rooms').find({})).data[0]
    assert.equal(listed.id, room.id)
    assert.equal(listed.unread_count, 2)
    assert.equal(listed.last_message?.id, reply.id)

    // Every member's count at once, with the same rule the room view uses (after my pointer, not mine).
    const counts = await db().raw(
      `select rm.user_id, (select count(*) from messages m where m.room_id = rm.room_id and m.seq > rm.last_read_seq
         and m.sender_id is distinct from rm.user_id and m.unsent_at is null and m.deleted_at is null)::int as unread
       from room_members rm where rm.room_id = ?`,
      [room.id]
    )
    const byUser = new Map<string, number>(counts.rows.map((r: any) => [r.user_id, r.unread]))
    assert.equal(byUser.size, SIZE)
    assert.equal(byUser.get(admin.id), 1)
    assert.equal(byUser.get(first.id), 0)
    assert.equal([...byUser.values()].filter((n) => n === 2).length, SIZE - 2)
  })
})
