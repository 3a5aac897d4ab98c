// Message versions over REST and Socket.IO: earlier texts of an edited message, oldest first, for members
// of its room only; unsending or deleting the message takes its versions away.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { clients, team } from '../receipts/helpers'
import { messageVersionSchema } from '../../../src/services/message-versions/message-versions.schema'
import { assertPageMatches } from '../../helpers/schemas'

forEachTransport('message-versions', (transport) => {
  let url: string
  const { client, closeAll } = clients()
  before(() => {
    url = sharedServer().url
  })
  after(closeAll)

  it('lists earlier versions oldest first, to members of the room only', async () => {
    const { admin, members } = await team(url, 2)
    const [bob, carol] = members
    const a = await client(url, admin, transport)
    const b = await client(url, bob, transport)
    const room = await a.service('rooms').create({ name: 'Edits', member_ids: [bob.id] }, {})
    const sent = await a.service('messages').create({ room_id: room.id, body: 'first draft' }, {})
    const edited = await a.service('messages').patch(sent.id, { body: 'second draft' }, {})
    await a.service('messages').patch(sent.id, { body: 'final' }, {})

    for (const who of [a, b]) {
      const versions = await who.service('message-versions').find({ query: { message_id: sent.id } })
      assertPageMatches(messageVersionSchema, versions)
      assert.equal(versions.total, 2)
      assert.deepEqual(
        versions.data.map((v) => v.body),
        ['first draft', 'second draft']
      )
      assert.deepEqual(Object.keys(versions.data[0]).sort(), ['body', 'created_at', 'id', 'message_id'])
      assert.equal(
        new Date(versions.data[0].created_at).toISOString(),
        new Date(sent.created_at).toISOString()
      )
      assert.equal(
        new Date(versions.data[1].created_at).toISOString(),
        new Date(edited.edited_at).toISOString()
      )
    }
    const page = await b
      .service('message-versions')
      .find({ query: { message_id: sent.id, $limit: 1, $skip: 1 } })
    assert.deepEqual([page.total, page.data.map((v) => v.body)], [2, ['second draft']])

    const unedited = await a.service('messages').create({ room_id: room.id, body: 'as is' }, {})
    assert.deepEqual(
      (await b.service('message-versions').find({ query: { message_id: unedited.id } })).data,
      []
    )

    // Not in the room, another org, or no such message: the same 404.
    const c = await client(url, carol, transport)
    const outsider = await client(url, (await createOrg(url)).admin, transport)
    for (const [who, id] of [
      [c, sent.id],
      [outsider, sent.id],
      [b, randomUUID()]
    ] as const) {
      await assert.rejects(who.service('message-versions').find({ query: { message_id: id } }), (e: any) => {
        return e.name === 'NotFound' && e.data.code === 'not_found'
      })
    }
    const bad = (e: any) => e.name === 'BadRequest' && e.data.code === 'validation_error'
    await assert.rejects((b.service('message-versions') as any).find({ query: {} }), bad)
    await assert.rejects(b.service('message-versions').find({ query: { message_id: 'nope' } }), bad)
  })

  it('forgets the versions of an unsent or deleted message', async () => {
    const { admin, members } = await team(url, 1)
    const [bob] = members
    const a = await client(url, admin, transport)
    const b = await client(url, bob, transport)
    const room = await a.service('rooms').create({ name: 'Regrets', member_ids: [bob.id] }, {})
    const versionsOf = async (id: string) =>
      (await b.service('message-versions').find({ query: { message_id: id } })).total

    const unsent = await b.service('messages').create({ room_id: room.id, body: 'secret' }, {})
    await b.service('messages').patch(unsent.id, { body: 'still secret' }, {})
    assert.equal(await versionsOf(unsent.id), 1)
    await b.service('messages').patch(unsent.id, { unsent: true }, {})
    assert.equal(await versionsOf(unsent.id), 0)

    const deleted = await b.service('messages').create({ room_id: room.id, body: 'rude' }, {})
    await b.service('messages').patch(deleted.id, { body: 'still rude' }, {})
    assert.equal(await versionsOf(deleted.id), 1)
    await a.service('messages').remove(deleted.id, {})
    assert.equal(await versionsOf(deleted.id), 0)
  })
})
