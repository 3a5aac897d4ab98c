// Reconnect scenario, worker side: receivers drop their sockets, the room senders send while they are away,
// then every receiver reconnects at the same instant and catches up as an app would: the typed client's
// automatic re-authentication, then either the bulk call (catch-up.find({ since: <last seq per room> }) page
// by page while next_cursor) or, with --catch-up=per-room, rooms.find({ updated_after }) and
// messages.find({ after: <last seq> }) per room while has_more. Live events that arrive meanwhile count too
// (and as duplicates if repeated).
import { Histogram } from '../lib/histogram'
import type { CatchupArgs, CatchupReport } from '../lib/protocol'
import { clients, closeIntended, createdListeners, eachLimited, errorName, withTimeout } from './clients'
import type { BenchClient } from './clients'

const seen = new Map<BenchClient, Map<string, Set<number>>>()
let duplicates = 0

const note = (client: BenchClient, roomId: string, seq: number) => {
  let rooms = seen.get(client)
  if (!rooms) seen.set(client, (rooms = new Map()))
  let seqs = rooms.get(roomId)
  if (!seqs) rooms.set(roomId, (seqs = new Set()))
  if (seqs.has(seq)) duplicates++
  else seqs.add(seq)
}

createdListeners.push((client, message) => {
  if (seen.has(client) && message.seq > (client.known.get(message.room_id) ?? 0))
    note(client, message.room_id, message.seq)
})

export const dropReceivers = () => {
  let dropped = 0
  for (const client of clients) {
    if (client.user.sender || !client.socket) continue
    // The typed client notices the disconnect and queues its re-authentication for the next connect.
    closeIntended(client.socket)
    dropped++
  }
  return { dropped }
}

// Each sender sends `count` messages to its room, one after the other, while the receivers are away.
export const sendBurst = async (args: { count: number; bodySize: number }) => {
  const started = performance.now()
  const lastSeq: Record<string, number> = {}
  const errors: Record<string, number> = {}
  let acked = 0
  const senders = clients.filter((c) => c.user.sender)
  await eachLimited(senders, senders.length, async (client) => {
    for (let i = 0; i < args.count; i++) {
      const room = client.user.rooms[0]
      const n = ++client.counter
      try {
        const message = await withTimeout(
          client.app.service('messages').create({
            room_id: room,
            body: `missed ${client.user.idx} ${n} `.padEnd(args.bodySize, '.'),
            client_msg_id: `c.${client.user.idx}.${n}`
          }),
          30_000,
          'ack_timeout'
        )
        acked++
        lastSeq[room] = Math.max(lastSeq[room] ?? 0, message.seq)
      } catch (error) {
        const name = errorName(error)
        errors[name] = (errors[name] ?? 0) + 1
      }
    }
  })
  return { acked, errors, lastSeq, ms: Math.round(performance.now() - started) }
}

const msSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6

// The bulk call: every message after my last seq in all my rooms, `limit` per page, while next_cursor.
const bulk = async (client: BenchClient, limit: number) => {
  const since = Object.fromEntries(client.user.rooms.map((roomId) => [roomId, client.known.get(roomId) ?? 0]))
  let pages = 0
  let cursor: string | undefined
  do {
    const page = await client.app
      .service('catch-up')
      .find({ query: { since, limit, ...(cursor ? { cursor } : {}) } })
    pages++
    for (const message of page.data) note(client, message.room_id, message.seq)
    cursor = page.next_cursor ?? undefined
  } while (cursor)
  return pages
}

// Room by room: rooms changed since before the drop, then each one's messages after my last seq.
const perRoom = async (client: BenchClient, args: CatchupArgs) => {
  let pages = 0
  const rooms = await client.app.service('rooms').find({ query: { updated_after: args.since, $limit: 100 } })
  for (const room of rooms.data) {
    let after = client.known.get(room.id) ?? 0
    if (room.last_seq <= after) continue
    for (;;) {
      const page = await client.app
        .service('messages')
        .find({ query: { room_id: room.id, after, limit: args.page } })
      pages++
      for (const message of page.data) {
        note(client, room.id, message.seq)
        after = Math.max(after, message.seq)
      }
      if (!page.has_more || page.data.length === 0) break
    }
  }
  return pages
}

export const catchUp = async (args: CatchupArgs): Promise<CatchupReport> => {
  const receivers = clients.filter((c) => !c.user.sender && c.socket)
  const reauth = new Histogram()
  const caughtUpMs = new Histogram()
  const errors: Record<string, number> = {}
  let caughtUp = 0
  let missing = 0
  let pages = 0
  duplicates = 0
  for (const client of receivers) seen.set(client, new Map())
  const wait = Number(args.startAt - process.hrtime.bigint()) / 1e6
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  await Promise.all(
    receivers.map(async (client) => {
      try {
        client.socket!.connect()
        await withTimeout(client.app.reAuthenticate(), 60_000, 'reauth_timeout')
        reauth.record(msSince(args.startAt))
        // Not `pages += await …`: that reads `pages` before the await and loses the other clients' pages.
        const fetched = args.mode === 'bulk' ? await bulk(client, args.page) : await perRoom(client, args)
        pages += fetched
        let lacking = 0
        for (const roomId of client.user.rooms) {
          const got = seen.get(client)?.get(roomId)
          for (let seq = (client.known.get(roomId) ?? 0) + 1; seq <= (args.lastSeq[roomId] ?? 0); seq++) {
            if (!got?.has(seq)) lacking++
          }
        }
        missing += lacking
        if (lacking === 0) {
          caughtUp++
          caughtUpMs.record(msSince(args.startAt))
        }
      } catch (error) {
        const name = errorName(error)
        errors[name] = (errors[name] ?? 0) + 1
      }
    })
  )
  seen.clear()
  return {
    clients: receivers.length,
    caughtUp,
    missing,
    duplicates,
    pages,
    errors,
    reauth: reauth.toData(),
    caughtUpMs: caughtUpMs.toData()
  }
}
