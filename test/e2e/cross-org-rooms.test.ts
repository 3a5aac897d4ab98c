// The cross-org matrix for rooms, members, messages, read state, typing, friends, search and presence: an
// org A ADMIN calls every method with org B's ids over REST and Socket.IO. Everything answers like a missing
// id (404) or shows nothing, and org B's rows are unchanged afterwards.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { forEachTransport } from '../helpers/clients'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'

const snapshot = async (orgId: string) => {
  const db = sharedServer().app.get('postgresqlClient')
  const rows: Record<string, unknown[]> = {}
  for (const table of ['rooms', 'room_members', 'messages', 'friendships']) {
    rows[table] = await db(table).where({ org_id: orgId }).orderBy('id')
  }
  rows.message_versions = await db('message_versions')
    .whereIn('message_id', db('messages').select('id').where({ org_id: orgId }))
    .orderBy('id')
  return JSON.stringify(rows)
}

const notFound = (e: any) => {
  assert.equal(e.name, 'NotFound', `${e.name} ${e.data?.code}: ${e.message}`)
  return true
}

forEachTransport('cross-org isolation: rooms and friends', (transport) => {
  let url: string
  let adminA: Account
  let orgB: string
  let b: {
    admin: Account
    bob: Account
    room: any
    message: any
    member: any
    friendship: any
    joinCode: string
  }
  const open: TestClient[] = []

  before(async () => {
    url = sharedServer().url
    ;({ admin: adminA } = await createOrg(url))
    const created = await createOrg(url)
    orgB = created.orgId
    const bob = await addMember(url, created.admin)
    const tc = await clientFor(url, 'rest', created.admin)
    const room = await tc.client.service('rooms').create({ name: 'B only', member_ids: [bob.id] })
    const message = await tc.client.service('messages').create({ room_id: room.id, body: 'secret plans' })
    await tc.client.service('messages').patch(message.id, { body: 'secret plans v2' })
    const members = await tc.client.service('members').find({ query: { room_id: room.id } })
    const member = members.data.find((m: any) => m.user_id === bob.id)
    const friendship = await (tc.client.service('friendships' as any) as any).create({ user_id: bob.id })
    b = { admin: created.admin, bob, room, message, member, friendship, joinCode: room.join_code! }
  })
  after(() => open.forEach((tc) => tc.close()))

  it('answers 404 for every method on org B rooms, messages, members, receipts and friendships', async () => {
    const before = await snapshot(orgB)
    const tc = await clientFor(url, transport, adminA)
    open.push(tc)
    const s = (path: string) => tc.client.service(path as any) as any
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['rooms.get', () => s('rooms').get(b.room.id)],
      ['rooms.patch', () => s('rooms').patch(b.room.id, { name: 'Taken' })],
      ['rooms.create dm', () => s('rooms').create({ kind: 'dm', user_id: b.bob.id })],
      ['messages.find', () => s('messages').find({ query: { room_id: b.room.id } })],
      ['messages.get', () => s('messages').get(b.message.id)],
      ['messages.create', () => s('messages').create({ room_id: b.room.id, body: 'hi' })],
      ['messages.patch', () => s('messages').patch(b.message.id, { body: 'changed' })],
      ['messages.remove', () => s('messages').remove(b.message.id)],
      ['members.find', () => s('members').find({ query: { room_id: b.room.id } })],
      ['members.get', () => s('members').get(b.member.id)],
      ['members.create', () => s('members').create({ room_id: b.room.id, user_id: adminA.id })],
      ['members.create by code', () => s('members').create({ join_code: b.joinCode })],
      ['members.patch', () => s('members').patch(b.member.id, { role: 'admin' })],
      ['members.remove', () => s('members').remove(b.member.id)],
      ['message-versions.find', () => s('message-versions').find({ query: { message_id: b.message.id } })],
      ['receipts.create', () => s('receipts').create({ room_id: b.room.id, read_seq: 1 })],
      ['receipts.find', () => s('receipts').find({ query: { room_id: b.room.id } })],
      ['typing.create', () => s('typing').create({ room_id: b.room.id })],
      ['friendships.create', () => s('friendships').create({ user_id: b.bob.id })],
      ['friendships.create by name', () => s('friendships').create({ username: b.bob.username })],
      ['friendships.get', () => s('friendships').get(b.friendship.id)],
      ['friendships.patch', () => s('friendships').patch(b.friendship.id, { status: 'accepted' })],
      ['friendships.remove', () => s('friendships').remove(b.friendship.id)]
    ]
    for (const [name, call] of calls) {
      await assert.rejects(call(), (e: any) => {
        assert.equal(e.name, 'NotFound', `${name}: ${e.name} ${e.data?.code}: ${e.message}`)
        return true
      })
    }
    assert.equal(await snapshot(orgB), before, 'org B changed')
  })

  it('never shows org B in lists, search or presence', async () => {
    const tc = await clientFor(url, transport, adminA)
    open.push(tc)
    const s = (path: string) => tc.client.service(path as any) as any
    const rooms = await s('rooms').find({ query: { $limit: 100 } })
    assert.ok(rooms.data.every((r: any) => r.org_id !== orgB))
    const unread = await s('unread-counts').find({})
    assert.ok(unread.every((u: any) => u.room_id !== b.room.id))
    const search = await s('user-search').find({ query: { q: b.bob.username } })
    assert.deepEqual(search.data, [])
    const presence = await s('presence').find({ query: { user_ids: [b.bob.id, b.admin.id] } })
    assert.deepEqual(presence.data, [])
    const friends = await s('friendships').find({ query: {} })
    assert.deepEqual(friends.data, [])
    await assert.rejects(s('messages').find({ query: { room_id: b.room.id } }), notFound)
  })
})
