// Sending messages over REST and Socket.IO: length after normalization, client fields and UTC server time,
// gapless seq under 50 concurrent senders, idempotent retries (also racing), the sender's read pointer.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { api, bearer, createOrg } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { clientPool, db, orgWith, rejectsWith } from '../rooms/helpers'

forEachTransport('messages: sending', (transport) => {
  const pool = clientPool(transport)

  it('limits text to 4,000 characters after normalization (4,001 -> 400 message_too_long)', async () => {
    const { admin } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const { id: roomId } = await a.service('rooms').create({ name: 'Long' })
    const send = (body: string) => a.service('messages').create({ room_id: roomId, body })
    assert.equal((await send('a'.repeat(4000))).body.length, 4000)
    await rejectsWith(send('a'.repeat(4001)), 'BadRequest', 'message_too_long')
    // Whitespace and control characters around or inside do not count: they are gone before the check.
    const padded = await send(`  \u0000${'b'.repeat(3995)}\u200B\u0007  \n\n\nc   d\t `)
    assert.equal(padded.body, `${'b'.repeat(3995)}\n\nc d`)
    assert.equal(padded.body.length, 4000)
    await rejectsWith(send(`${'b'.repeat(3999)}   c`), 'BadRequest', 'message_too_long')
    // Characters, not UTF-16 code units: 4,000 emoji fit, 4,001 do not.
    assert.equal([...(await send('😀'.repeat(4000))).body].length, 4000)
    await rejectsWith(send('😀'.repeat(4001)), 'BadRequest', 'message_too_long')
    await rejectsWith(send(' \u0000 \n\t '), 'BadRequest', 'validation_error')
    const edited = await send('short')
    await rejectsWith(
      a.service('messages').patch(edited.id, { body: 'e'.repeat(4001) }),
      'BadRequest',
      'message_too_long'
    )
    assert.equal((await a.service('messages').patch(edited.id, { body: 'e'.repeat(4000) })).body.length, 4000)
  })

  it('keeps client_msg_id and client_sent_at; created_at is the server time in UTC', async () => {
    const { admin } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const { id: roomId } = await a.service('rooms').create({ name: 'Clocks' })
    const before = Date.now()
    const sent = await a.service('messages').create({
      room_id: roomId,
      body: 'tick',
      client_msg_id: 'device-1:42',
      client_sent_at: '2026-01-02T03:04:05.678+02:00'
    })
    const after = Date.now()
    for (const m of [sent, await a.service('messages').get(sent.id)]) {
      assert.equal(m.client_msg_id, 'device-1:42')
      assert.equal(m.client_sent_at, '2026-01-02T01:04:05.678Z')
      assert.match(m.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
      const at = Date.parse(m.created_at)
      assert.ok(at >= before - 2000 && at <= after + 2000, `created_at ${m.created_at} is not now`)
    }
    const plain = await a.service('messages').create({ room_id: roomId, body: 'tock' })
    assert.equal(plain.client_msg_id, null)
    assert.equal(plain.client_sent_at, null)
    await rejectsWith(
      a.service('messages').create({ room_id: roomId, body: 'x', client_sent_at: 'yesterday' }),
      'BadRequest'
    )
    await rejectsWith(
      a.service('messages').create({ room_id: roomId, body: 'x', client_msg_id: 'has space' }),
      'BadRequest'
    )
  })

  it('numbers messages 1..N, strictly increasing and gapless, when 50 senders write at once', async function () {
    this.timeout(60000)
    const { admin, members } = await orgWith(pool.url, 49)
    const everyone = [admin, ...members]
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Stampede', member_ids: members.map((m) => m.id) })
    const live = record(await pool.client(members[0], 'socketio'), ['messages'])
    const clients = await Promise.all(everyone.map((u) => pool.client(u)))
    const sent = await Promise.all(
      clients.flatMap((c, i) =>
        [1, 2].map((k) => c.service('messages').create({ room_id: room.id, body: `from ${i} #${k}` }))
      )
    )
    const n = everyone.length * 2
    assert.deepEqual(
      sent.map((m) => m.seq).sort((x, y) => x - y),
      Array.from({ length: n }, (_, i) => i + 1)
    )
    const rows = await db()('messages').where({ room_id: room.id }).orderBy('seq')
    assert.deepEqual(
      rows.map((r) => Number(r.seq)),
      Array.from({ length: n }, (_, i) => i + 1)
    )
    assert.equal(Number((await db()('rooms').where({ id: room.id }).first()).last_seq), n)
    const page = await a.service('messages').find({ query: { room_id: room.id, limit: 100 } })
    assert.deepEqual(
      page.data.map((m) => m.seq),
      Array.from({ length: n }, (_, i) => n - i)
    )
    assert.equal(page.has_more, false)
    // Each one announced once to the room.
    await live.waitFor((r) => live.seen.filter((e) => e.event === 'created').length === n && !!r, 10000)
    assert.equal(new Set(live.seen.map((r) => r.data.seq)).size, n)
  })

  it('returns the original for a retried client_msg_id, also when 10 retries race, with one row and one event', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Retry', member_ids: [members[0].id] })
    const live = record(await pool.client(members[0], 'socketio'), ['messages'])
    const first = await a
      .service('messages')
      .create({ room_id: room.id, body: 'once', client_msg_id: 'retry-1' })
    const again = await a
      .service('messages')
      .create({ room_id: room.id, body: 'once, edited?', client_msg_id: 'retry-1' })
    assert.equal(again.id, first.id)
    assert.equal(again.body, 'once')
    assert.equal(again.seq, first.seq)

    const raced = await Promise.all(
      Array.from({ length: 10 }, () =>
        a.service('messages').create({ room_id: room.id, body: 'racing', client_msg_id: 'race-1' })
      )
    )
    assert.equal(new Set(raced.map((m) => m.id)).size, 1)
    assert.equal(raced[0].seq, 2)
    const rows = await db()('messages').where({ sender_id: admin.id, client_msg_id: 'race-1' })
    assert.equal(rows.length, 1)
    const next = await a.service('messages').create({ room_id: room.id, body: 'after the race' })
    assert.equal(next.seq, 3, 'a refused duplicate must not use up a seq')
    await live.waitFor((r) => r.data.id === next.id)
    assert.equal(
      live.seen.filter((r) => r.data.id === raced[0].id).length,
      1,
      'raced retries announced more than once'
    )
    assert.equal(live.seen.filter((r) => r.data.id === first.id).length, 1)
  })

  it('lets different senders reuse a client_msg_id, but not one sender in another room (409)', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const room = await a.service('rooms').create({ name: 'Shared ids', member_ids: [bob.id] })
    const other = await a.service('rooms').create({ name: 'Other room' })
    const mine = await a
      .service('messages')
      .create({ room_id: room.id, body: 'from admin', client_msg_id: 'same' })
    const theirs = await b
      .service('messages')
      .create({ room_id: room.id, body: 'from bob', client_msg_id: 'same' })
    assert.notEqual(mine.id, theirs.id)
    assert.deepEqual([mine.seq, theirs.seq, theirs.sender_id], [1, 2, bob.id])
    await rejectsWith(
      a.service('messages').create({ room_id: other.id, body: 'elsewhere', client_msg_id: 'same' }),
      'Conflict',
      'client_msg_id_reused'
    )
    assert.equal((await a.service('messages').find({ query: { room_id: other.id } })).data.length, 0)
  })

  it("advances the sender's own read pointer when sending", async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const room = await a.service('rooms').create({ name: 'Pointer', member_ids: [bob.id] })
    await a.service('messages').create({ room_id: room.id, body: 'one' })
    await a.service('messages').create({ room_id: room.id, body: 'two' })
    let mine = await b.service('rooms').get(room.id)
    assert.deepEqual([mine.unread_count, mine.last_read_seq], [2, 0])
    await b.service('messages').create({ room_id: room.id, body: 'three' })
    mine = (await b.service('rooms').find({})).data[0]
    assert.deepEqual([mine.id, mine.unread_count, mine.last_read_seq], [room.id, 0, 3])
    const theirs = await a.service('rooms').get(room.id)
    assert.deepEqual([theirs.unread_count, theirs.last_read_seq], [1, 2])
  })

  it('refuses sends to rooms I am not in, of my org or another (404)', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const { admin: stranger } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Closed' })
    const foreign = await (await pool.client(stranger)).service('rooms').create({ name: 'Foreign' })
    const b = await pool.client(members[0])
    await rejectsWith(
      b.service('messages').create({ room_id: room.id, body: 'let me in' }),
      'NotFound',
      'not_found'
    )
    await rejectsWith(
      a.service('messages').create({ room_id: foreign.id, body: 'hello?' }),
      'NotFound',
      'not_found'
    )
    assert.equal(
      Number((await db()('messages').whereIn('room_id', [room.id, foreign.id]).count({ n: '*' }))[0].n),
      0
    )
  })
})

describe('messages: Idempotency-Key header [rest]', () => {
  const pool = clientPool('rest')

  it('de-duplicates a retried REST send by its Idempotency-Key header', async () => {
    const { admin } = await createOrg(pool.url)
    const a = await pool.client(admin)
    const room = await a.service('rooms').create({ name: 'Header' })
    const headers = { ...bearer(admin.accessToken), 'Idempotency-Key': 'idem-7f3a' }
    const first = await api(pool.url, 'POST', '/messages', { room_id: room.id, body: 'paid once' }, headers)
    assert.equal(first.status, 201)
    assert.equal(first.body.client_msg_id, 'idem-7f3a')
    const retries = await Promise.all(
      Array.from({ length: 5 }, () =>
        api(pool.url, 'POST', '/messages', { room_id: room.id, body: 'paid once' }, headers)
      )
    )
    for (const retry of retries) assert.equal(retry.body.id, first.body.id)
    const viaClient = await a
      .service('messages')
      .create({ room_id: room.id, body: 'paid once' }, { headers: { 'Idempotency-Key': 'idem-7f3a' } })
    assert.equal(viaClient.id, first.body.id)
    assert.equal((await db()('messages').where({ room_id: room.id })).length, 1)
    const other = await api(
      pool.url,
      'POST',
      '/messages',
      { room_id: room.id, body: 'again' },
      { ...headers, 'Idempotency-Key': 'idem-2' }
    )
    assert.equal(other.body.seq, 2)
  })
})
