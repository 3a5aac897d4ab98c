// Bulk catch-up and changes: edits, unsends and deletes as messages.find shows them, `updated_after` for the
// changes to what I hold, and items resolved exactly as messages.find resolves them.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { clientPool, orgWith } from '../rooms/helpers'
import { catchUpExternalResolver } from '../../../src/services/catch-up/catch-up.schema'
import { messageExternalResolver } from '../../../src/services/messages/messages.schema'
import { catchUpAll, perRoom, send } from './helpers'

forEachTransport('catch-up: changes', (transport) => {
  const pool = clientPool(transport)

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
})

describe('catch-up items', () => {
  it('resolve every external field messages.find resolves (a new one there must be added here)', () => {
    const fields = (resolver: any) => Object.keys(resolver.options.properties).sort()
    assert.deepEqual(fields(catchUpExternalResolver), fields(messageExternalResolver))
  })
})
