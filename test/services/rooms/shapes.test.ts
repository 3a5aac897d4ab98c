// What rooms, members and messages answer matches their output schemas exactly (no view columns leak, bigint
// seqs are numbers), and each viewer sees only their fields: join codes for managers, `muted` for oneself,
// `delivery` for the sender.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { clientPool, orgWith } from './helpers'
import { roomValidator } from '../../../src/services/rooms/rooms.schema'
import { memberValidator } from '../../../src/services/members/members.schema'
import { messageValidator } from '../../../src/services/messages/messages.schema'

forEachTransport('rooms, members, messages: output shapes', (transport) => {
  const pool = clientPool(transport)

  it('answers schema-valid rows, shaped for the viewer', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(admin)
    const b = await pool.client(bob)
    const room = await a.service('rooms').create({ name: 'Shapes', member_ids: [bob.id] })
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const mine = await a.service('messages').create({ room_id: room.id, body: 'hello @' + bob.username })
    await b.service('messages').create({ room_id: room.id, body: 'hi' })

    const listed = await a.service('rooms').find({})
    assert.equal(listed.total, 2)
    for (const r of [...listed.data, await b.service('rooms').get(room.id), dm]) await roomValidator(r)
    const asOwner = listed.data.find((r) => r.id === room.id)!
    assert.equal(typeof asOwner.join_code, 'string', 'managers see the join code')
    assert.equal(asOwner.last_seq, 2)
    assert.equal(asOwner.last_message?.body, 'hi')
    assert.equal((await b.service('rooms').get(room.id)).join_code, undefined, 'members do not')
    assert.equal(dm.dm_peer_id, bob.id)
    assert.equal((await b.service('rooms').get(dm.id)).dm_peer_id, admin.id)

    const roster = await a.service('members').find({ query: { room_id: room.id } })
    assert.deepEqual([roster.total, roster.limit, roster.skip], [2, 100, 0])
    for (const m of roster.data) await memberValidator(m)
    assert.equal(roster.data.find((m) => m.user_id === admin.id)!.muted, false)
    assert.equal('muted' in roster.data.find((m) => m.user_id === bob.id)!, false, "others' mute is private")

    const history = await a.service('messages').find({ query: { room_id: room.id } })
    assert.deepEqual(Object.keys(history).sort(), ['data', 'has_more', 'limit'])
    for (const m of history.data) await messageValidator(m)
    const own = history.data.find((m) => m.id === mine.id)!
    assert.equal(own.seq, 1)
    assert.deepEqual(own.mentions, [bob.id])
    assert.equal(own.delivery?.recipients, 1, 'the sender sees delivery')
    assert.equal(history.data.find((m) => m.id !== mine.id)!.delivery, undefined, 'not on others’ messages')
    assert.equal((await b.service('messages').get(mine.id)).delivery, undefined)
    await messageValidator(await a.service('messages').get(mine.id))
  })
})
