// Message history over REST and Socket.IO: seq cursors (before/after), order, limit ≤ 100, has_more at the
// edges, and no history of rooms I am not in.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import type { ClientApplication } from '../../../src/client'
import { clientPool, orgWith, rejectsWith } from '../rooms/helpers'

const range = (from: number, to: number): number[] =>
  from <= to ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : range(to, from).reverse()

forEachTransport('messages: history', (transport) => {
  const pool = clientPool(transport)
  let admin: Account
  let bob: Account
  let outsider: Account
  let a: ClientApplication
  let roomId: string
  const ids: string[] = []

  before(async () => {
    const org = await orgWith(pool.url, 2)
    admin = org.admin
    bob = org.members[0]
    outsider = org.members[1]
    a = await pool.client(admin)
    roomId = (await a.service('rooms').create({ name: 'History', member_ids: [bob.id] })).id
    for (let i = 1; i <= 12; i++)
      ids.push((await a.service('messages').create({ room_id: roomId, body: `m${i}` })).id)
  })

  const page = async (query: Record<string, unknown>) => {
    const result = await a.service('messages').find({ query: { room_id: roomId, ...query } as any })
    return { seqs: result.data.map((m) => m.seq), has_more: result.has_more, data: result.data }
  }

  it('lists newest first by default, with has_more false when everything fits', async () => {
    const all = await page({})
    assert.deepEqual(all.seqs, range(12, 1))
    assert.equal(all.has_more, false)
    assert.deepEqual(
      all.data.map((m) => m.body),
      range(12, 1).map((n) => `m${n}`)
    )
    const twelve = await page({ limit: 12 })
    assert.deepEqual([twelve.seqs, twelve.has_more], [range(12, 1), false])
    const eleven = await page({ limit: 11 })
    assert.deepEqual([eleven.seqs, eleven.has_more], [range(12, 2), true])
  })

  it('pages backwards with `before` and has_more right at the edges', async () => {
    let p = await page({ limit: 5 })
    assert.deepEqual([p.seqs, p.has_more], [range(12, 8), true])
    p = await page({ limit: 5, before: 8 })
    assert.deepEqual([p.seqs, p.has_more], [range(7, 3), true])
    p = await page({ limit: 5, before: 3 })
    assert.deepEqual([p.seqs, p.has_more], [[2, 1], false])
    // Exactly `limit` older messages left: they all come and nothing more is announced.
    p = await page({ limit: 5, before: 6 })
    assert.deepEqual([p.seqs, p.has_more], [range(5, 1), false])
    p = await page({ limit: 5, before: 1 })
    assert.deepEqual([p.seqs, p.has_more], [[], false])
  })

  it('pages forwards oldest first with only `after`, or with order=asc', async () => {
    let p = await page({ limit: 5, after: 0 })
    assert.deepEqual([p.seqs, p.has_more], [range(1, 5), true])
    p = await page({ limit: 5, after: 5 })
    assert.deepEqual([p.seqs, p.has_more], [range(6, 10), true])
    p = await page({ limit: 5, after: 7 })
    assert.deepEqual([p.seqs, p.has_more], [range(8, 12), false])
    p = await page({ limit: 5, after: 12 })
    assert.deepEqual([p.seqs, p.has_more], [[], false])
    p = await page({ limit: 5, order: 'asc' })
    assert.deepEqual([p.seqs, p.has_more], [range(1, 5), true])
    p = await page({ limit: 3, after: 9, order: 'desc' })
    assert.deepEqual([p.seqs, p.has_more], [range(12, 10), false])
    // A window between two cursors.
    p = await page({ limit: 4, after: 3, before: 9 })
    assert.deepEqual([p.seqs, p.has_more], [range(8, 5), true])
    p = await page({ limit: 5, after: 3, before: 9 })
    assert.deepEqual([p.seqs, p.has_more], [range(8, 4), false])
  })

  it('takes a limit of up to 100 (101 -> 400) and refuses malformed cursors', async () => {
    assert.deepEqual((await page({ limit: 100 })).seqs, range(12, 1))
    assert.deepEqual((await page({ limit: 1 })).seqs, [12])
    await rejectsWith(page({ limit: 101 }), 'BadRequest', 'validation_error')
    await rejectsWith(page({ limit: 0 }), 'BadRequest', 'validation_error')
    await rejectsWith(page({ before: 'soon' }), 'BadRequest', 'validation_error')
    await rejectsWith(page({ order: 'sideways' }), 'BadRequest', 'validation_error')
    await rejectsWith(page({ extra: 1 }), 'BadRequest', 'validation_error')
    await rejectsWith(a.service('messages').find({ query: {} as any }), 'BadRequest', 'validation_error')
  })

  it('reads the same history as another member, and none as a non-member or another org (404)', async () => {
    const b = await pool.client(bob)
    const theirs = await b.service('messages').find({ query: { room_id: roomId, limit: 3 } })
    assert.deepEqual(
      theirs.data.map((m) => m.seq),
      [12, 11, 10]
    )
    assert.equal(theirs.data[0].delivery, undefined, 'delivery is for the sender only')
    const { admin: stranger } = await createOrg(pool.url)
    for (const who of [stranger, outsider]) {
      const c = await pool.client(who)
      await rejectsWith(c.service('messages').find({ query: { room_id: roomId } }), 'NotFound', 'not_found')
      await rejectsWith(
        c.service('messages').find({ query: { room_id: roomId, after: 0 } }),
        'NotFound',
        'not_found'
      )
      await rejectsWith(c.service('messages').get(ids[0]), 'NotFound', 'not_found')
    }
  })
})
