// Unread counts over REST and Socket.IO: every room of mine in one call and one SQL query, matching what
// rooms.find says per room, with my pointer, the room's last seq and my mute setting.
import assert from 'node:assert/strict'
import { AsyncLocalStorage } from 'node:async_hooks'
import type { NextFunction } from '@feathersjs/feathers'
import type { HookContext } from '../../../src/declarations'
import { sharedServer, startServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { register } from '../../helpers/fixtures'
import { clients, team } from '../receipts/helpers'
import { assertMatches } from '../../helpers/schemas'
import { unreadCountSchema } from '../../../src/services/unread-counts/unread-counts.schema'

forEachTransport('unread-counts', (transport) => {
  let url: string
  const { client, closeAll } = clients()
  before(() => {
    url = sharedServer().url
  })
  after(closeAll)

  it('returns the unread counts of all my rooms, as rooms.find counts them', async () => {
    const { admin, members } = await team(url, 2)
    const [bob, carol] = members
    const a = await client(url, admin, transport)
    const b = await client(url, bob, transport)
    const c = await client(url, carol, transport)
    // Bob is in a group Alice runs, a group Carol runs, a DM with Alice, and a quiet room of his own.
    const general = await a.service('rooms').create({ name: 'General', member_ids: [bob.id, carol.id] }, {})
    const side = await c.service('rooms').create({ name: 'Side', member_ids: [bob.id] }, {})
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id }, {})
    const quiet = await b.service('rooms').create({ name: 'Quiet' }, {})
    for (const body of ['g1', 'g2', 'g3'])
      await a.service('messages').create({ room_id: general.id, body }, {})
    await c.service('messages').create({ room_id: general.id, body: 'g4' }, {})
    const unsent = await a.service('messages').create({ room_id: dm.id, body: 'oops' }, {})
    await a.service('messages').create({ room_id: dm.id, body: 'hi' }, {})
    await a.service('messages').patch(unsent.id, { unsent: true }, {})
    await c.service('messages').create({ room_id: side.id, body: 's1' }, {})
    await b.service('messages').create({ room_id: side.id, body: 'my reply' }, {})
    await b.service('receipts').create({ room_id: general.id, read_seq: 1 })
    const membership = await b.service('members').find({ query: { room_id: side.id, user_id: bob.id } })
    await b.service('members').patch(membership.data[0].id, { muted: true }, {})

    const counts = await b.service('unread-counts').find()
    for (const entry of counts) assertMatches(unreadCountSchema, entry)
    const byRoom = new Map(counts.map((entry) => [entry.room_id, entry]))
    assert.equal(counts.length, 4)
    assert.deepEqual(byRoom.get(general.id), {
      room_id: general.id,
      unread_count: 3,
      last_read_seq: 1,
      last_seq: 4,
      muted: false
    })
    assert.deepEqual(byRoom.get(dm.id), {
      room_id: dm.id,
      unread_count: 1,
      last_read_seq: 0,
      last_seq: 2,
      muted: false
    })
    assert.deepEqual(byRoom.get(side.id), {
      room_id: side.id,
      unread_count: 0,
      last_read_seq: 2,
      last_seq: 2,
      muted: true
    })
    assert.deepEqual(byRoom.get(quiet.id), {
      room_id: quiet.id,
      unread_count: 0,
      last_read_seq: 0,
      last_seq: 0,
      muted: false
    })

    // The same numbers as the room list.
    const rooms = await b.service('rooms').find({ query: { $limit: 100 } })
    assert.equal(rooms.total, counts.length)
    for (const room of rooms.data) {
      const entry = byRoom.get(room.id)!
      assert.deepEqual(
        [entry.unread_count, entry.last_read_seq, entry.last_seq, entry.muted],
        [room.unread_count, room.last_read_seq, room.last_seq, room.muted],
        `room ${room.name ?? room.kind}`
      )
    }
    // Other people's counts are theirs.
    const carolCounts = await c.service('unread-counts').find()
    assert.deepEqual(carolCounts.map((e) => e.room_id).sort(), [general.id, side.id].sort())
  })

  it('answers with one SQL query however many rooms I am in', async () => {
    // A private server where the test's own unread-counts call runs in an async context of its own: only
    // queries issued while handling that call are counted, never work still finishing after the sends before
    // it (publishing, notifications), which over Socket.IO may outlive the send's acknowledgement.
    const server = await startServer()
    const handling = new AsyncLocalStorage<string[]>()
    const statements: string[] = []
    server.app.hooks({
      around: {
        all: [
          async (context: HookContext, next: NextFunction) =>
            context.path === 'unread-counts' && context.params.provider
              ? handling.run(statements, next)
              : next()
        ]
      }
    })
    try {
      const { admin, members } = await team(server.url, 1)
      const [bob] = members
      const a = await client(server.url, admin, transport)
      const b = await client(server.url, bob, transport)
      const rooms = 25
      for (let i = 0; i < rooms; i++) {
        const room = await a.service('rooms').create({ name: `Room ${i}`, member_ids: [bob.id] }, {})
        if (i % 3 === 0) await a.service('messages').create({ room_id: room.id, body: `hello ${i}` }, {})
      }
      const db = server.app.get('postgresqlClient')
      // Every statement of the call counts, whatever table it reads (the hooks outside this service's own,
      // such as authentication, run before the context is entered).
      const listener = (query: { sql: string }) => handling.getStore()?.push(query.sql)
      db.on('query', listener)
      let counts
      try {
        counts = await b.service('unread-counts').find()
      } finally {
        db.off('query', listener)
      }
      assert.equal(counts.length, rooms)
      assert.equal(counts.filter((e) => e.unread_count === 1).length, Math.ceil(rooms / 3))
      assert.equal(statements.length, 1, statements.join('\n'))
      assert.match(statements[0], /room_members/)
    } finally {
      await server.stop()
    }
  })

  it('is empty without rooms and refuses users without an org or unknown filters', async () => {
    const { admin } = await team(url, 0)
    const a = await client(url, admin, transport)
    assert.deepEqual(await a.service('unread-counts').find(), [])
    await assert.rejects(
      (a.service('unread-counts') as any).find({ query: { room_id: admin.id } }),
      (e: any) => {
        return e.name === 'BadRequest' && e.data.code === 'validation_error'
      }
    )
    const loner = await client(url, await register(url), transport)
    await assert.rejects(
      loner.service('unread-counts').find(),
      (e: any) => e.name === 'Forbidden' && e.data.code === 'no_org'
    )
  })
})
