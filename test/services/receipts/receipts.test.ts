// Receipts over REST and Socket.IO: pointers move forward only, are clamped to the room's last seq, read
// implies delivered, membership is required, unread counts follow unsend/delete, and delivery state of a
// sender's own messages goes persisted -> delivered -> read, all without a row per message per member.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { clients, tableSizes, team } from './helpers'
import { notificationsSettled } from '../../../src/notifications'
import { memberPointerSchema, receiptSchema } from '../../../src/services/receipts/receipts.schema'
import { assertMatches, assertPageMatches } from '../../helpers/schemas'

forEachTransport('receipts', (transport) => {
  let url: string
  const { client, closeAll } = clients()
  before(() => {
    url = sharedServer().url
  })
  after(closeAll)

  it('moves my pointers forward only, clamped to the last seq, read implying delivered', async () => {
    const { admin, members } = await team(url, 2)
    const [bob, carol] = members
    const a = await client(url, admin, transport)
    const b = await client(url, bob, transport)
    const room = await a.service('rooms').create({ name: 'Pointers', member_ids: [bob.id] }, {})
    for (const body of ['one', 'two', 'three'])
      await a.service('messages').create({ room_id: room.id, body }, {})

    const first = await b.service('receipts').create({ room_id: room.id, read_seq: 2 })
    assertMatches(receiptSchema, first)
    assert.deepEqual(first, {
      room_id: room.id,
      user_id: bob.id,
      last_read_seq: 2,
      delivered_seq: 2,
      unread_count: 1
    })
    const back = await b.service('receipts').create({ room_id: room.id, read_seq: 1 })
    assert.deepEqual(back, first, 'a lower read_seq moved the pointer back')
    const delivered = await b.service('receipts').create({ room_id: room.id, delivered_seq: 3 })
    assert.deepEqual([delivered.last_read_seq, delivered.delivered_seq, delivered.unread_count], [2, 3, 1])
    const lowerDelivered = await b
      .service('receipts')
      .create({ room_id: room.id, delivered_seq: 0, read_seq: 0 })
    assert.deepEqual([lowerDelivered.last_read_seq, lowerDelivered.delivered_seq], [2, 3])
    const clamped = await b.service('receipts').create({ room_id: room.id, read_seq: 1000 })
    assert.deepEqual([clamped.last_read_seq, clamped.delivered_seq, clamped.unread_count], [3, 3, 0])
    const bobRoom = await b.service('rooms').get(room.id, {})
    assert.deepEqual([bobRoom.last_read_seq, bobRoom.unread_count], [3, 0])

    // A later message is not read by a clamped pointer of earlier.
    await a.service('messages').create({ room_id: room.id, body: 'four' }, {})
    assert.equal((await b.service('rooms').get(room.id, {})).unread_count, 1)

    const pointers = await b.service('receipts').find({ query: { room_id: room.id } })
    assertPageMatches(memberPointerSchema, pointers)
    assert.equal(pointers.total, 2)
    // Members who joined together come in a stable but arbitrary order.
    const byUser = (list: typeof pointers.data) =>
      [...list].sort((x, y) => x.user_id.localeCompare(y.user_id))
    assert.deepEqual(
      byUser(pointers.data),
      byUser([
        { user_id: admin.id, last_read_seq: 4, delivered_seq: 4 },
        { user_id: bob.id, last_read_seq: 3, delivered_seq: 3 }
      ])
    )
    const page1 = await b.service('receipts').find({ query: { room_id: room.id, $limit: 1 } })
    const page2 = await b.service('receipts').find({ query: { room_id: room.id, $limit: 1, $skip: 1 } })
    assertPageMatches(memberPointerSchema, page1)
    assertPageMatches(memberPointerSchema, page2)
    assert.deepEqual([page2.total, page2.limit, page2.skip, page2.data.length], [2, 1, 1, 1])
    assert.deepEqual(byUser([...page1.data, ...page2.data]), byUser(pointers.data))

    // Not a member, another org, no such room: all the same 404.
    const c = await client(url, carol, transport)
    const outsider = await client(url, (await createOrg(url)).admin, transport)
    for (const who of [c, outsider]) {
      await assert.rejects(
        who.service('receipts').create({ room_id: room.id, read_seq: 1 }),
        (e: any) => e.name === 'NotFound' && e.data.code === 'not_found'
      )
      await assert.rejects(
        who.service('receipts').find({ query: { room_id: room.id } }),
        (e: any) => e.name === 'NotFound'
      )
    }
    await assert.rejects(b.service('receipts').create({ room_id: randomUUID(), read_seq: 1 }), {
      name: 'NotFound'
    })
  })

  it('never moves a pointer back when devices race', async () => {
    const { admin, members } = await team(url, 1)
    const [bob] = members
    const a = await client(url, admin, transport)
    const devices = [await client(url, bob, transport), await client(url, bob, transport)]
    const room = await a.service('rooms').create({ name: 'Race', member_ids: [bob.id] }, {})
    for (let i = 1; i <= 12; i++) await a.service('messages').create({ room_id: room.id, body: `m${i}` }, {})
    // Reads of 1..12 sent at once in shuffled order from two devices, plus delivery confirmations.
    const seqs = [7, 2, 12, 5, 1, 9, 3, 11, 4, 10, 6, 8]
    const answers = await Promise.all(
      seqs.map((seq, i) =>
        devices[i % 2]
          .service('receipts')
          .create(i % 3 ? { room_id: room.id, read_seq: seq } : { room_id: room.id, delivered_seq: seq })
      )
    )
    answers.forEach((answer, i) => {
      assert.ok(answer.delivered_seq >= answer.last_read_seq)
      if (i % 3)
        assert.ok(answer.last_read_seq >= seqs[i], `read ${seqs[i]} answered ${answer.last_read_seq}`)
    })
    const mine = (await devices[0].service('receipts').find({ query: { room_id: room.id } })).data.find(
      (p) => p.user_id === bob.id
    )
    assert.deepEqual(mine, { user_id: bob.id, last_read_seq: 12, delivered_seq: 12 })
  })

  it('refuses receipts without a pointer or with bad values', async () => {
    const { admin } = await team(url, 0)
    const a = await client(url, admin, transport)
    const room = await a.service('rooms').create({ name: 'Bad input' }, {})
    const bad = (e: any) => e.name === 'BadRequest' && e.data.code === 'validation_error'
    const receipts = a.service('receipts') as any
    for (const data of [
      { room_id: room.id },
      { room_id: room.id, read_seq: -1 },
      { room_id: room.id, read_seq: 1.5 },
      { room_id: room.id, read_seq: '2' },
      { room_id: room.id, delivered_seq: null },
      { room_id: room.id, read_seq: 1, extra: true },
      { room_id: 'not-a-uuid', read_seq: 1 },
      { read_seq: 1 }
    ]) {
      await assert.rejects(receipts.create(data), bad, JSON.stringify(data))
    }
    await assert.rejects(receipts.find({ query: {} }), bad)
    await assert.rejects(receipts.find({ query: { room_id: room.id, $limit: 1001 } }), bad)
  })

  it('counts unread as messages after my pointer that are not mine, unsent or deleted', async () => {
    const { admin, members } = await team(url, 1)
    const [bob] = members
    const a = await client(url, admin, transport)
    const b = await client(url, bob, transport)
    const room = await a.service('rooms').create({ name: 'Unread', member_ids: [bob.id] }, {})
    const unreadOf = async (who: typeof a) => (await who.service('rooms').get(room.id, {})).unread_count
    await b.service('messages').create({ room_id: room.id, body: 'mine' }, {})
    for (const body of ['a1', 'a2', 'a3']) await a.service('messages').create({ room_id: room.id, body }, {})
    assert.equal(await unreadOf(b), 3, 'my own message counted as unread')

    // Sending means having read the room so far.
    const reply = await b.service('messages').create({ room_id: room.id, body: 'reply' }, {})
    assert.equal(await unreadOf(b), 0)
    const own = (await b.service('receipts').find({ query: { room_id: room.id } })).data.find(
      (p) => p.user_id === bob.id
    )
    assert.deepEqual(own, { user_id: bob.id, last_read_seq: reply.seq, delivered_seq: reply.seq })
    assert.equal(await unreadOf(a), 1, 'only the reply came after my own messages')

    const later = []
    for (const body of ['a4', 'a5', 'a6'])
      later.push(await a.service('messages').create({ room_id: room.id, body }, {}))
    assert.equal(await unreadOf(b), 3)
    await a.service('messages').patch(later[1].id, { unsent: true }, {})
    assert.equal(await unreadOf(b), 2, 'an unsent message still counts as unread')
    await a.service('messages').remove(later[2].id, {})
    assert.equal(await unreadOf(b), 1, 'a deleted message still counts as unread')
    const moved = await b.service('receipts').create({ room_id: room.id, read_seq: later[0].seq - 1 })
    assert.equal(moved.unread_count, 1)
    const all = await b.service('receipts').create({ room_id: room.id, read_seq: later[2].seq })
    assert.equal(all.unread_count, 0)
  })

  it('shows the sender a DM going persisted -> delivered -> read', async () => {
    const { admin, members } = await team(url, 1)
    const [bob] = members
    const a = await client(url, admin, transport)
    const b = await client(url, bob, transport)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id }, {})
    const sent = await a.service('messages').create({ room_id: dm.id, body: 'are you there?' }, {})
    const state = async () => (await a.service('messages').get(sent.id, {})).delivery
    assert.deepEqual(await state(), { status: 'persisted', recipients: 1, delivered: 0, read: 0 })
    await b.service('receipts').create({ room_id: dm.id, delivered_seq: sent.seq })
    assert.deepEqual(await state(), { status: 'delivered', recipients: 1, delivered: 1, read: 0 })
    await b.service('receipts').create({ room_id: dm.id, read_seq: sent.seq })
    assert.deepEqual(await state(), { status: 'read', recipients: 1, delivered: 1, read: 1 })
    // The state is for the sender only.
    assert.equal((await b.service('messages').get(sent.id, {})).delivery, undefined)
  })

  it('counts deliveries and reads of a message in a group of 3', async () => {
    const { admin, members } = await team(url, 2)
    const [bob, carol] = members
    const a = await client(url, admin, transport)
    const b = await client(url, bob, transport)
    const c = await client(url, carol, transport)
    const room = await a.service('rooms').create({ name: 'Three', member_ids: [bob.id, carol.id] }, {})
    const m1 = await a.service('messages').create({ room_id: room.id, body: 'first' }, {})
    const m2 = await a.service('messages').create({ room_id: room.id, body: 'second' }, {})
    const states = async () => {
      const page = await a.service('messages').find({ query: { room_id: room.id, order: 'asc' } })
      return page.data.map(
        (m) => m.delivery && [m.delivery.status, m.delivery.recipients, m.delivery.delivered, m.delivery.read]
      )
    }
    assert.deepEqual(await states(), [
      ['persisted', 2, 0, 0],
      ['persisted', 2, 0, 0]
    ])
    await b.service('receipts').create({ room_id: room.id, delivered_seq: m2.seq })
    assert.deepEqual(await states(), [
      ['persisted', 2, 1, 0],
      ['persisted', 2, 1, 0]
    ])
    await c.service('receipts').create({ room_id: room.id, read_seq: m1.seq })
    assert.deepEqual(await states(), [
      ['delivered', 2, 2, 1],
      ['persisted', 2, 1, 0]
    ])
    await b.service('receipts').create({ room_id: room.id, read_seq: m2.seq })
    await c.service('receipts').create({ room_id: room.id, delivered_seq: m2.seq })
    assert.deepEqual(await states(), [
      ['read', 2, 2, 2],
      ['delivered', 2, 2, 1]
    ])
    await c.service('receipts').create({ room_id: room.id, read_seq: m2.seq })
    assert.deepEqual(await states(), [
      ['read', 2, 2, 2],
      ['read', 2, 2, 2]
    ])
  })

  it('keeps read state as positions: no table grows per message per member', async () => {
    const { admin, members } = await team(url, 2)
    const a = await client(url, admin, transport)
    const others = [await client(url, members[0], transport), await client(url, members[1], transport)]
    const room = await a.service('rooms').create({ name: 'Growth', member_ids: members.map((m) => m.id) }, {})
    const db = sharedServer().app.get('postgresqlClient')
    // Room-invite notifications are written just after the create; let them land before counting rows.
    await notificationsSettled(sharedServer().app)
    const before = await tableSizes(db)
    const sent = 5
    for (let i = 1; i <= sent; i++) {
      const m = await a.service('messages').create({ room_id: room.id, body: `m${i}` }, {})
      for (const o of others) {
        await o.service('receipts').create({ room_id: room.id, delivered_seq: m.seq })
        await o.service('receipts').create({ room_id: room.id, read_seq: m.seq })
      }
    }
    const afterSizes = await tableSizes(db)
    // The analytics rollups grow per UTC day (one row per room, per sender, per active person), never per
    // message or per read: at most twice their daily bound should the test straddle midnight.
    const perDay: Record<string, number> = {
      analytics_room_days: 1,
      analytics_sender_days: 1,
      analytics_active_days: 1 + others.length
    }
    const grown = Object.keys(afterSizes).filter((t) => afterSizes[t] !== before[t] && !(t in perDay))
    assert.deepEqual(grown, ['messages'])
    assert.equal(afterSizes.messages - before.messages, sent)
    for (const [table, bound] of Object.entries(perDay)) {
      assert.ok(afterSizes[table] - before[table] <= 2 * bound, `${table} grew per message`)
    }
  })
})
