// Group commit: sends arriving together are written by one statement, each item on its own: gapless seqs per
// room in arrival order, a refused item (not a member, a retry) refused alone, its neighbours stored.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { addMember, createOrg, createRoom } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { sqlDuring } from '../../helpers/queries'

describe('messages: group commit of concurrent sends', () => {
  const app = () => sharedServer().app
  const db = () => app().get('postgresqlClient')
  const userRow = async (account: Account) => db()('users').where({ id: account.id }).first()
  const room = (owner: Account, name: string, members: Account[] = []) =>
    createRoom(sharedServer().url, owner, name, members)
  const statementsDuring = async (work: () => Promise<unknown>) => {
    const { result, sql } = await sqlDuring(db(), work)
    return { result, batches: () => sql.filter((text) => text.includes('chatboard_send_messages(')) }
  }

  it('writes sends of one turn in one statement; each room’s seqs gapless in arrival order', async () => {
    const { admin } = await createOrg(sharedServer().url)
    const member = await addMember(sharedServer().url, admin)
    const [a, b] = [await room(admin, 'gc-a', [member]), await room(admin, 'gc-b', [member])]
    const [me, them] = [await userRow(admin), await userRow(member)]
    const service = app().service('messages')
    const plan = Array.from({ length: 12 }, (_, i) => ({
      user: i % 2 ? them : me,
      room_id: i % 3 ? a : b,
      body: `gc ${i}`
    }))
    const { result, batches } = await statementsDuring(() =>
      Promise.all(plan.map((p) => service.create({ room_id: p.room_id, body: p.body }, { user: p.user })))
    )
    const sent = result as any[]
    assert.equal(batches().length, 1, 'one statement for the turn')
    for (const roomId of [a, b]) {
      const mine = sent.filter((m) => m.room_id === roomId)
      // Arrival order is the order of `plan`: the seqs follow it, from 1, without a gap.
      assert.deepEqual(
        mine.map((m) => m.body),
        plan.filter((p) => p.room_id === roomId).map((p) => p.body)
      )
      assert.deepEqual(
        mine.map((m) => m.seq),
        mine.map((_, i) => i + 1)
      )
    }
  })

  it('refuses one item of a batch alone: the others are stored', async () => {
    const { admin } = await createOrg(sharedServer().url)
    const member = await addMember(sharedServer().url, admin)
    const outsider = await addMember(sharedServer().url, admin)
    const roomId = await room(admin, 'gc-refused', [member])
    const [me, them, stranger] = [await userRow(admin), await userRow(member), await userRow(outsider)]
    const service = app().service('messages')
    const first = await service.create(
      { room_id: roomId, body: 'first', client_msg_id: 'gc-retry' },
      { user: me }
    )
    const { result, batches } = await statementsDuring(() =>
      Promise.allSettled([
        service.create({ room_id: roomId, body: 'one' }, { user: me }),
        service.create({ room_id: roomId, body: 'intruder' }, { user: stranger }),
        // A retry of a stored send: answered with the stored message, not stored twice.
        service.create({ room_id: roomId, body: 'first', client_msg_id: 'gc-retry' }, { user: me }),
        service.create({ room_id: roomId, body: 'two' }, { user: them })
      ])
    )
    const [one, intruder, retry, two] = result as PromiseSettledResult<any>[]
    assert.equal(batches().length, 1)
    assert.equal(intruder.status, 'rejected')
    assert.equal((intruder as PromiseRejectedResult).reason.name, 'NotFound')
    assert.equal(retry.status === 'fulfilled' && retry.value.id, first.id)
    assert.deepEqual(
      [one, two].map((r) => r.status === 'fulfilled' && r.value.seq),
      [2, 3]
    )
    const stored = await db()('messages').where({ room_id: roomId }).orderBy('seq').pluck('body')
    assert.deepEqual(stored, ['first', 'one', 'two'])
  })
})
