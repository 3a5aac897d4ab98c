// Retention over REST and Socket.IO: with back-dated rows in two orgs of different retention, the purge (called
// directly, then as a job through Agenda) deletes exactly the expired rows of each org with their edit history,
// and never renumbers anything: seqs, pointers and the unread counts of the remaining messages stay as they were.
import assert from 'node:assert/strict'
import type { Knex } from 'knex'
import { sharedServer } from '../helpers/server'
import { forEachTransport } from '../helpers/clients'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { purgeExpiredMessages } from '../../src/jobs/definitions/retention'
import { settle } from './helpers'

// DIRECT DATABASE WRITES (marked): back-dating rows is the only way to get 40-day-old messages in a test, and a
// member's read pointer is set directly so the test does not depend on the read-receipts service.
const backdate = (db: Knex, ids: string[], days: number) =>
  db('messages')
    .whereIn('id', ids)
    .update({ created_at: db.raw(`now() - make_interval(days => ?)`, [days]) })
const setReadPointer = (db: Knex, roomId: string, userId: string, seq: number) =>
  db('room_members').where({ room_id: roomId, user_id: userId }).update({ last_read_seq: seq })

forEachTransport('retention', (transport) => {
  let url: string
  let db: Knex
  const open: TestClient[] = []
  const client = async (account: Account) => {
    const tc = await clientFor(url, transport, account)
    open.push(tc)
    return tc.client
  }

  // An org with a room of its ADMIN and one MEMBER holding six messages (seq 1..6) from the ADMIN.
  const orgWithHistory = async (retentionDays?: number) => {
    const { admin, orgId } = await createOrg(url)
    const member = await addMember(url, admin)
    const a = await client(admin)
    if (retentionDays) await a.service('orgs').patch(orgId, { retention_days: retentionDays })
    const room = await a.service('rooms').create({ name: 'History', member_ids: [member.id] })
    const messages = []
    for (let i = 1; i <= 6; i++)
      messages.push(await a.service('messages').create({ room_id: room.id, body: `m${i}` }))
    return { orgId, admin, member, room, messages, a, m: await client(member) }
  }

  const unreadOf = async (c: Awaited<ReturnType<typeof client>>, roomId: string) =>
    (await c.service('rooms').find({})).data.find((r: any) => r.id === roomId)!.unread_count
  const seqsOf = async (roomId: string) =>
    (await db('messages').where({ room_id: roomId }).orderBy('seq').select('seq')).map((r) => Number(r.seq))

  before(() => {
    url = sharedServer().url
    db = sharedServer().app.get('postgresqlClient')
  })
  after(() => open.forEach((tc) => tc.close()))

  it('purges only rows older than each org’s retention, in batches, keeping seqs, pointers and unread counts', async () => {
    const short = await orgWithHistory(30)
    const long = await orgWithHistory()
    const ids = (org: typeof short, seqs: number[]) =>
      org.messages.filter((m) => seqs.includes(m.seq)).map((m) => m.id)
    // An edit leaves a message_versions row that must go with its message.
    await short.a.service('messages').patch(short.messages[1].id, { body: 'm2 edited' })
    assert.equal(
      Number(
        (await db('message_versions').where({ message_id: short.messages[1].id }).count({ n: '*' }))[0].n
      ),
      1
    )

    await backdate(db, ids(short, [1, 2, 3]), 40)
    await backdate(db, ids(long, [1]), 100)
    await backdate(db, ids(long, [2, 3]), 40)
    await setReadPointer(db, short.room.id, short.member.id, 4)
    const before = {
      short: await unreadOf(short.m, short.room.id),
      long: await unreadOf(long.m, long.room.id)
    }
    assert.deepEqual(before, { short: 2, long: 6 })

    // Batches of 2: the short org's three expired rows take two batches.
    const result = await purgeExpiredMessages(db, { batchSize: 2 })
    assert.ok(result.deleted >= 4, `deleted ${result.deleted}`)

    assert.deepEqual(await seqsOf(short.room.id), [4, 5, 6])
    assert.deepEqual(await seqsOf(long.room.id), [2, 3, 4, 5, 6])
    assert.equal(
      Number(
        (await db('message_versions').where({ message_id: short.messages[1].id }).count({ n: '*' }))[0].n
      ),
      0
    )
    // The remaining unread messages are still unread (short: 5 and 6 after pointer 4); the purged unread message
    // of the long org simply no longer exists (5 of 6 remain, none of them read).
    assert.equal(await unreadOf(short.m, short.room.id), 2)
    assert.equal(await unreadOf(long.m, long.room.id), 5)
    const [shortRoom] = (await short.m.service('rooms').find({})).data.filter(
      (r: any) => r.id === short.room.id
    )
    assert.equal(shortRoom.last_seq, 6)
    assert.equal(shortRoom.last_read_seq, 4)

    // History starts at the oldest remaining seq; purged seqs are never reused.
    const history = await short.m.service('messages').find({ query: { room_id: short.room.id, after: 0 } })
    assert.deepEqual(
      history.data.map((m: any) => m.seq),
      [4, 5, 6]
    )
    assert.equal(history.has_more, false)
    const older = await short.m.service('messages').find({ query: { room_id: short.room.id, before: 4 } })
    assert.deepEqual(older.data, [])
    const next = await short.a.service('messages').create({ room_id: short.room.id, body: 'after the purge' })
    assert.equal(next.seq, 7)
    assert.equal(await unreadOf(short.m, short.room.id), 3)

    // A second run finds nothing more to do in these rooms.
    const again = await purgeExpiredMessages(db, { batchSize: 2, orgId: short.orgId })
    assert.deepEqual(again, { orgs: 1, rooms: 0, deleted: 0 })
  })

  it('runs as the retention.purge job through Agenda, scoped to one org', async () => {
    const target = await orgWithHistory(30)
    const bystander = await orgWithHistory(30)
    await backdate(
      db,
      target.messages.slice(0, 2).map((m) => m.id),
      31
    )
    await backdate(
      db,
      bystander.messages.slice(0, 2).map((m) => m.id),
      31
    )
    const runtime = sharedServer().app.get('jobRuntime')
    const job = await settle(runtime, () => runtime.enqueue('retention.purge', { org_id: target.orgId }))
    assert.equal(job.state, 'completed')
    assert.equal(job.failCount ?? 0, 0)
    assert.deepEqual(await seqsOf(target.room.id), [3, 4, 5, 6])
    // The org-scoped run leaves other orgs alone, even with expired rows.
    assert.deepEqual(await seqsOf(bystander.room.id), [1, 2, 3, 4, 5, 6])
    assert.equal(await unreadOf(target.m, target.room.id), 4)
  })
})
