// Read state over real sockets: marking read on one device reaches the reader's other devices (with the
// new unread count) and the room's other members as a read receipt (without it), never anyone outside the
// room; delivered-only moves reach the room; moves that change nothing publish nothing.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { record } from '../helpers/events'
import type { Account } from '../helpers/fixtures'
import { clients, team } from '../services/receipts/helpers'

describe('realtime: read state', () => {
  let url: string
  const { client, closeAll } = clients()
  const device = (account: Account) => client(url, account, 'socketio')
  before(() => {
    url = sharedServer().url
  })
  after(closeAll)

  it('syncs my devices, tells the room, and nobody else', async () => {
    const { admin: alice, members } = await team(url, 2)
    const [bob, carol] = members
    const phone = await device(alice)
    const laptop = await device(alice)
    const bobLive = await device(bob)
    const carolLive = await device(carol)
    const room = await phone.service('rooms').create({ name: 'Sync', member_ids: [bob.id] }, {})
    const phoneEvents = record(phone, ['receipts'])
    const laptopEvents = record(laptop, ['receipts'])
    const bobEvents = record(bobLive, ['receipts'])
    const carolEvents = record(carolLive, ['receipts'])
    for (const body of ['b1', 'b2', 'b3'])
      await bobLive.service('messages').create({ room_id: room.id, body }, {})

    // Device 1 reads up to 2: device 2 learns the pointer and the unread count, Bob gets a read receipt.
    await phone.service('receipts').create({ room_id: room.id, read_seq: 2 })
    const synced = await laptopEvents.waitFor(
      (r) => r.data.user_id === alice.id && r.data.last_read_seq === 2
    )
    assert.deepEqual(synced.data, {
      room_id: room.id,
      user_id: alice.id,
      last_read_seq: 2,
      delivered_seq: 2,
      unread_count: 1
    })
    assert.equal(synced.event, 'created')
    await phoneEvents.waitFor(
      (r) => r.data.user_id === alice.id && r.data.last_read_seq === 2 && r.data.unread_count === 1
    )
    const receipt = await bobEvents.waitFor((r) => r.data.user_id === alice.id && r.data.last_read_seq === 2)
    assert.deepEqual(receipt.data, {
      room_id: room.id,
      user_id: alice.id,
      last_read_seq: 2,
      delivered_seq: 2
    })

    // Going back is a no-op and publishes nothing: the next event each one sees is the move to 3.
    const noop = await laptop.service('receipts').create({ room_id: room.id, read_seq: 1 })
    assert.equal(noop.last_read_seq, 2)
    await laptop.service('receipts').create({ room_id: room.id, read_seq: 3 })
    await laptopEvents.waitFor((r) => r.data.user_id === alice.id && r.data.last_read_seq === 3)
    await bobEvents.waitFor((r) => r.data.user_id === alice.id && r.data.last_read_seq === 3)
    const aliceMoves = (events: typeof laptopEvents) =>
      events.seen
        .filter((r) => r.data.user_id === alice.id)
        .map((r) => [r.data.last_read_seq, r.data.unread_count])
    // Exactly one event per move and device: the personal one, not also the room's copy.
    assert.deepEqual(aliceMoves(laptopEvents), [
      [2, 1],
      [3, 0]
    ])
    await phoneEvents.waitFor((r) => r.data.last_read_seq === 3)
    assert.deepEqual(aliceMoves(phoneEvents), [
      [2, 1],
      [3, 0]
    ])
    assert.deepEqual(aliceMoves(bobEvents), [
      [2, undefined],
      [3, undefined]
    ])

    // Bob's client confirms delivery of Alice's messages: the room (Alice's devices) hears it, with no
    // personal count attached; nothing about his read pointer changed.
    const sent = await phone.service('messages').create({ room_id: room.id, body: 'a4' }, {})
    await bobLive.service('receipts').create({ room_id: room.id, delivered_seq: sent.seq })
    const delivered = await laptopEvents.waitFor(
      (r) => r.data.user_id === bob.id && r.data.delivered_seq === sent.seq
    )
    assert.deepEqual(delivered.data, {
      room_id: room.id,
      user_id: bob.id,
      last_read_seq: 3,
      delivered_seq: sent.seq
    })
    await bobEvents.waitFor((r) => r.data.user_id === bob.id && r.data.delivered_seq === sent.seq)
    assert.equal((await phone.service('messages').get(sent.id, {})).delivery?.status, 'delivered')

    // Carol is in the org but not the room. Her own receipt (in her DM with Bob) is the marker: once it
    // arrives, anything published to her earlier would have arrived before it.
    const dm = await bobLive.service('rooms').create({ kind: 'dm', user_id: carol.id }, {})
    await bobLive.service('messages').create({ room_id: dm.id, body: 'psst' }, {})
    await carolLive.service('receipts').create({ room_id: dm.id, read_seq: 1 })
    await carolEvents.waitFor(
      (r) => r.data.room_id === dm.id && r.data.user_id === carol.id && r.data.unread_count === 0
    )
    assert.deepEqual(
      carolEvents.seen.filter((r) => r.data.room_id === room.id),
      [],
      'a non-member received a receipt'
    )
    // ...and Bob, in that DM, saw Carol's read receipt while Alice's devices did not.
    await bobEvents.waitFor((r) => r.data.room_id === dm.id && r.data.user_id === carol.id)
    assert.equal(laptopEvents.seen.filter((r) => r.data.room_id === dm.id).length, 0)
  })

  it('reaches a member added later, and stops reaching a member who left', async () => {
    const { admin: alice, members } = await team(url, 2)
    const [bob, carol] = members
    const a = await device(alice)
    const bobLive = await device(bob)
    const carolLive = await device(carol)
    const carolEvents = record(carolLive, ['receipts'])
    const bobEvents = record(bobLive, ['receipts'])
    const room = await a.service('rooms').create({ name: 'Comings', member_ids: [bob.id] }, {})
    for (const body of ['1', '2', '3']) await a.service('messages').create({ room_id: room.id, body }, {})

    const joined = await a.service('members').create({ room_id: room.id, user_id: carol.id }, {})
    await bobLive.service('receipts').create({ room_id: room.id, read_seq: 1 })
    await carolEvents.waitFor((r) => r.data.user_id === bob.id && r.data.last_read_seq === 1)

    await carolLive.service('members').remove(joined.id, {})
    await bobLive.service('receipts').create({ room_id: room.id, read_seq: 2 })
    // Marker: Carol reads in a room of her own; Bob's move to 2 would have reached her before it.
    const own = await carolLive.service('rooms').create({ name: 'Mine', member_ids: [bob.id] }, {})
    await bobLive.service('messages').create({ room_id: own.id, body: 'hi' }, {})
    await carolLive.service('receipts').create({ room_id: own.id, read_seq: 1 })
    await carolEvents.waitFor((r) => r.data.room_id === own.id && r.data.user_id === carol.id)
    assert.equal(
      carolEvents.seen.filter((r) => r.data.room_id === room.id && r.data.last_read_seq === 2).length,
      0
    )
    await bobEvents.waitFor(
      (r) => r.data.room_id === room.id && r.data.user_id === bob.id && r.data.last_read_seq === 2
    )
  })
})
