// Messages basics over REST and Socket.IO: send with a gapless seq, idempotent retries, history, events.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { addMember, clientFor, createOrg } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { record } from '../../helpers/events'

forEachTransport('messages basics', (transport) => {
  let url: string
  const open: TestClient[] = []
  const client = async (account: Account, via = transport) => {
    const tc = await clientFor(url, via, account)
    open.push(tc)
    return tc.client
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('sends, numbers, de-duplicates, lists and publishes messages to members only', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const eve = await addMember(url, admin)
    const a = await client(admin)
    const room = await a.service('rooms').create({ name: 'General', member_ids: [bob.id] })
    assert.equal(room.my_role, 'owner')
    assert.equal(room.member_count, 2)
    const bobLive = record(await client(bob, 'socketio'), ['messages'])
    const eveLive = record(await client(eve, 'socketio'), ['messages', 'rooms'])

    const first = await a
      .service('messages')
      .create({ room_id: room.id, body: ' hello\u0000 @' + bob.username + ' ', client_msg_id: 'c-1' })
    assert.equal(first.seq, 1)
    assert.equal(first.body, 'hello @' + bob.username)
    assert.deepEqual(first.mentions, [bob.id])
    const again = await a
      .service('messages')
      .create({ room_id: room.id, body: 'hello', client_msg_id: 'c-1' })
    assert.equal(again.id, first.id)
    const second = await a.service('messages').create({ room_id: room.id, body: 'second' })
    assert.equal(second.seq, 2)

    const got = await bobLive.waitFor((r) => r.event === 'created' && r.data.id === second.id)
    assert.equal(
      bobLive.seen.filter((r) => r.data.id === first.id).length,
      1,
      'duplicate send announced twice'
    )
    assert.equal(got.data.delivery, undefined)

    const page = await a.service('messages').find({ query: { room_id: room.id } })
    assert.deepEqual(
      page.data.map((m: any) => m.seq),
      [2, 1]
    )
    assert.equal(page.has_more, false)
    assert.equal(page.data[0].delivery?.status, 'persisted')

    const bobRooms = await (await client(bob)).service('rooms').find({})
    const seen = bobRooms.data.find((r: any) => r.id === room.id)!
    assert.equal(seen.unread_count, 2)
    assert.equal(seen.last_message?.body, 'second')
    assert.equal(seen.my_role, 'member')
    assert.equal(seen.join_code, undefined)

    const e = await client(eve)
    await assert.rejects(e.service('messages').find({ query: { room_id: room.id } }), { name: 'NotFound' })
    await assert.rejects(e.service('messages').create({ room_id: room.id, body: 'sneak' }), {
      name: 'NotFound'
    })
    await assert.rejects(e.service('messages').get(first.id), { name: 'NotFound' })
    // Eve's own DM with Bob reaches her; nothing from the room did before it.
    const dm = await e.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const marker = await e.service('messages').create({ room_id: dm.id, body: 'marker' })
    await eveLive.waitFor((r) => r.event === 'created' && r.data.id === marker.id)
    assert.equal(eveLive.seen.filter((r) => r.data.room_id === room.id).length, 0)
    const dmAgain = await (await client(bob)).service('rooms').create({ kind: 'dm', user_id: eve.id })
    assert.equal(dmAgain.id, dm.id)
  })
})
