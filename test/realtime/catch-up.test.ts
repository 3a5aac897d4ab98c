// A client that was offline catches up with queries: new messages `after` its last seq per room, rooms changed
// since a time (`updated_after`), messages changed since a time. Nothing missing, nothing twice.
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { sharedServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { findAll, historyOf } from '../helpers/client-state'

interface Cached {
  room: any
  messages: Map<string, any>
}

// A seeded generator, so a failure can be replayed with the same operations.
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// The latest server time the client has seen: the `since` of its catch-up (the server's clock, not its own).
const latestTime = (cache: Map<string, Cached>) => {
  let latest = 0
  for (const { room, messages } of cache.values()) {
    for (const t of [room.updated_at, room.last_message_at, room.created_at])
      if (t) latest = Math.max(latest, Date.parse(t))
    for (const m of messages.values())
      latest = Math.max(latest, Date.parse(m.updated_at), Date.parse(m.created_at))
  }
  return new Date(latest).toISOString()
}

// `delivery` (on my own messages) follows the other members' read pointers, which move without touching the
// message; it is not part of "what changed" and is left out of the comparison.
const comparable = (messages: Iterable<any>) =>
  [...messages]
    .map((m) => {
      const { delivery, ...rest } = m
      void delivery
      return rest
    })
    .sort((a, b) => a.seq - b.seq)

describe('realtime: catching up after being offline', function () {
  this.timeout(120000)
  let url: string
  const open: TestClient[] = []
  const connect = async (account: Account, transport: 'rest' | 'socketio' = 'socketio') => {
    const tc = await clientFor(url, transport, account)
    open.push(tc)
    return tc
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  const cacheRooms = async (client: ClientApplication, roomIds: string[]) => {
    const cache = new Map<string, Cached>()
    for (const room of await findAll(client.service('rooms'), {}, 25)) {
      if (!roomIds.includes(room.id)) continue
      cache.set(room.id, {
        room,
        messages: new Map((await historyOf(client, room.id, 40)).map((m) => [m.id, m]))
      })
    }
    return cache
  }

  // The catch-up protocol: rooms changed since `since` (new activity, renames, rooms I joined); for those, the
  // messages after my last seq; for every room I knew, the messages changed since `since` up to that seq.
  // Returns the ids each query brought, to prove nothing came twice.
  const catchUp = async (client: ClientApplication, cache: Map<string, Cached>, since: string) => {
    const brought: string[] = []
    const knownSeq = new Map([...cache].map(([id, c]) => [id, c.room.last_seq as number]))
    for (const room of await findAll(client.service('rooms'), { updated_after: since }, 2)) {
      const cached = cache.get(room.id) ?? { room, messages: new Map() }
      cached.room = room
      cache.set(room.id, cached)
      for (let after = knownSeq.get(room.id) ?? 0, more = true; more;) {
        const page = await client.service('messages').find({ query: { room_id: room.id, after, limit: 25 } })
        for (const m of page.data) cached.messages.set(m.id, m)
        brought.push(...page.data.map((m) => m.id))
        more = page.has_more
        if (page.data.length) after = page.data[page.data.length - 1].seq
      }
    }
    for (const [roomId, lastSeq] of knownSeq) {
      if (lastSeq === 0) continue
      try {
        for (let after = 0, more = true; more;) {
          const query = {
            room_id: roomId,
            updated_after: since,
            after,
            before: lastSeq + 1,
            order: 'asc' as const,
            limit: 25
          }
          const page = await client.service('messages').find({ query })
          for (const m of page.data) cache.get(roomId)!.messages.set(m.id, m)
          brought.push(...page.data.map((m) => m.id))
          more = page.has_more
          if (page.data.length) after = page.data[page.data.length - 1].seq
        }
      } catch (error: any) {
        // No longer a member: the room is gone for me, exactly like a room that does not exist.
        if (error.name !== 'NotFound') throw error
        cache.delete(roomId)
      }
    }
    return brought
  }

  // The cache must equal a fresh fetch: same rooms, and per room the whole history, ids unique, seq 1..last_seq.
  const assertFresh = async (client: ClientApplication, cache: Map<string, Cached>, roomIds: string[]) => {
    const fresh = await cacheRooms(client, roomIds)
    assert.deepEqual([...cache.keys()].sort(), [...fresh.keys()].sort(), 'the set of rooms differs')
    for (const [roomId, { room, messages }] of fresh) {
      const mine = cache.get(roomId)!
      assert.deepEqual(mine.room, room, `room ${room.name ?? roomId} differs`)
      const cached = comparable(mine.messages.values())
      assert.equal(new Set(cached.map((m) => m.id)).size, cached.length, 'a message is cached twice')
      assert.deepEqual(
        cached.map((m) => m.seq),
        Array.from({ length: room.last_seq }, (_, i) => i + 1),
        'seqs are not gapless'
      )
      assert.deepEqual(cached, comparable(messages.values()), `messages of ${room.name ?? roomId} differ`)
    }
  }

  it('misses nothing and gets nothing twice after 200 operations in 3 rooms', async () => {
    const { admin } = await createOrg(url)
    const alice = await addMember(url, admin)
    const [s1, s2, s3] = [
      await addMember(url, admin),
      await addMember(url, admin),
      await addMember(url, admin)
    ]
    const as = new Map<string, ClientApplication>()
    for (const account of [admin, s1, s2, s3, alice])
      as.set(account.id, (await connect(account, 'rest')).client)
    const r1 = await as
      .get(admin.id)!
      .service('rooms')
      .create({ name: 'One', member_ids: [alice.id, s1.id, s2.id, s3.id] })
    const r2 = await as
      .get(s1.id)!
      .service('rooms')
      .create({ name: 'Two', member_ids: [alice.id, s2.id] })
    const r3 = await as.get(s3.id)!.service('rooms').create({ kind: 'dm', user_id: alice.id })
    const rooms = [
      { id: r1.id, senders: [admin.id, s1.id, s2.id, s3.id], manager: admin.id },
      { id: r2.id, senders: [s1.id, s2.id], manager: s1.id },
      { id: r3.id, senders: [s3.id], manager: null }
    ]
    // What the generator knows of each room's messages, to pick edits, unsends and deletes that are allowed.
    const known = new Map<string, Array<{ id: string; sender: string; gone: boolean }>>(
      rooms.map((r) => [r.id, []])
    )
    const send = async (roomId: string, sender: string, body: string) => {
      const m = await as.get(sender)!.service('messages').create({ room_id: roomId, body })
      known.get(roomId)!.push({ id: m.id, sender, gone: false })
    }
    const random = prng(20261122)
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]
    // History before going offline, Alice's own messages included (more than one page of 40 in room One).
    for (let i = 0; i < 60; i++) {
      const room = rooms[i % 3]
      await send(room.id, i % 7 === 0 ? alice.id : pick(room.senders), `before ${i}`)
    }

    const aliceLive = await connect(alice)
    const cache = await cacheRooms(aliceLive.client, [r1.id, r2.id, r3.id])
    assert.equal(cache.size, 3)
    const since = latestTime(cache)
    aliceLive.close()

    const counts = { send: 0, edit: 0, unsend: 0, delete: 0 }
    for (let i = 0; i < 200; i++) {
      const room = pick(rooms)
      const live = known.get(room.id)!.filter((m) => !m.gone)
      const theirs = live.filter((m) => m.sender !== alice.id)
      const roll = random()
      if (roll < 0.2 && theirs.length) {
        const m = pick(theirs)
        await as
          .get(m.sender)!
          .service('messages')
          .patch(m.id, { body: `edit ${i}` })
        counts.edit++
      } else if (roll < 0.33 && theirs.length) {
        const m = pick(theirs)
        await as.get(m.sender)!.service('messages').patch(m.id, { unsent: true })
        m.gone = true
        counts.unsend++
      } else if (roll < 0.42 && room.manager && live.length) {
        const m = pick(live)
        await as.get(room.manager)!.service('messages').remove(m.id)
        m.gone = true
        counts.delete++
      } else {
        await send(room.id, pick(room.senders), `offline ${i}`)
        counts.send++
      }
    }
    assert.ok(
      counts.edit > 10 && counts.unsend > 10 && counts.delete > 5 && counts.send > 80,
      JSON.stringify(counts)
    )

    const back = await connect(alice)
    const brought = await catchUp(back.client, cache, since)
    assert.equal(new Set(brought).size, brought.length, 'the catch-up brought a message twice')
    await assertFresh(back.client, cache, [r1.id, r2.id, r3.id])
  })

  it('learns of rooms joined, renamed and left while offline', async () => {
    const { admin } = await createOrg(url)
    const alice = await addMember(url, admin)
    const owner = (await connect(admin, 'rest')).client
    const quiet = await owner.service('rooms').create({ name: 'Quiet', member_ids: [alice.id] })
    const kicked = await owner.service('rooms').create({ name: 'Kicked', member_ids: [alice.id] })
    const renamed = await owner.service('rooms').create({ name: 'Renamed', member_ids: [alice.id] })
    for (const room of [quiet, kicked, renamed])
      await owner.service('messages').create({ room_id: room.id, body: 'hi' })
    const joined = await owner.service('rooms').create({ name: 'Joined later' })
    for (let i = 0; i < 30; i++)
      await owner.service('messages').create({ room_id: joined.id, body: `history ${i}` })

    const aliceLive = await connect(alice)
    const mine = [quiet.id, kicked.id, renamed.id]
    const cache = await cacheRooms(aliceLive.client, mine)
    const since = latestTime(cache)
    aliceLive.close()

    await owner.service('rooms').patch(renamed.id, { name: 'Renamed while away' })
    await owner.service('members').create({ room_id: joined.id, user_id: alice.id })
    const [membership] = (
      await owner.service('members').find({ query: { room_id: kicked.id, user_id: alice.id } })
    ).data
    await owner.service('members').remove(membership.id)
    await owner.service('messages').create({ room_id: kicked.id, body: 'after alice left' })

    const back = await connect(alice)
    const brought = await catchUp(back.client, cache, since)
    assert.equal(new Set(brought).size, brought.length, 'the catch-up brought a message twice')
    assert.equal(cache.get(renamed.id)?.room.name, 'Renamed while away')
    assert.equal(
      cache.get(joined.id)?.messages.size,
      30,
      'the history of a room joined while away is missing'
    )
    assert.equal(cache.has(kicked.id), false)
    await assertFresh(back.client, cache, [quiet.id, renamed.id, joined.id, kicked.id])
  })
})
