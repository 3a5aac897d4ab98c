// An edit racing an unsend (or a delete) never brings taken-back text back: whatever order they commit in,
// an unsent message keeps no versions and no original body.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { addMember, clientFor, createOrg } from '../../helpers/fixtures'
import type { TestClient } from '../../helpers/clients'

describe('messages: edit racing unsend and delete', () => {
  const open: TestClient[] = []
  after(() => open.forEach((tc) => tc.close()))

  it('leaves no trace of the text when an edit and an unsend or delete race (20 rounds each)', async () => {
    const { url } = sharedServer()
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const a = (await clientFor(url, 'rest', admin)).client
    const b = (await clientFor(url, 'rest', bob)).client
    const room = await a.service('rooms').create({ name: 'Races', member_ids: [bob.id] })
    const db = sharedServer().app.get('postgresqlClient')
    for (const takeBack of ['unsend', 'delete'] as const) {
      for (let round = 0; round < 20; round++) {
        const sent = await b.service('messages').create({ room_id: room.id, body: `original ${round}` })
        const results = await Promise.allSettled([
          b.service('messages').patch(sent.id, { body: `edited ${round}` }),
          takeBack === 'unsend'
            ? b.service('messages').patch(sent.id, { unsent: true })
            : a.service('messages').remove(sent.id)
        ])
        // The edit either went first (and its version was then removed) or was refused as too late.
        if (results[0].status === 'rejected') {
          assert.ok(['message_unsent', 'message_deleted'].includes((results[0].reason as any).data?.code))
        }
        assert.equal(results[1].status, 'fulfilled')
        const row = await db('messages').where({ id: sent.id }).first()
        assert.ok(takeBack === 'unsend' ? row.unsent_at : row.deleted_at)
        assert.ok(!/original|edited/.test(row.body), `round ${round}: body ${row.body}`)
        assert.equal(
          (await db('message_versions').where({ message_id: sent.id })).length,
          0,
          `round ${round}`
        )
      }
    }
  })
})
