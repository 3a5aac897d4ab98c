// The documented catch-up recipe, as a client runs it. Per room it keeps the highest seq up to which it holds
// every message (`contiguous`), not merely the last seq it saw: a message lost in delivery leaves a hole that
// `after: lastSeq` would never fetch. It fills holes three ways:
// - a received message whose seq skips ahead (seq > contiguous + 1): fetch the messages after `contiguous`;
// - the server's `resync` event ({ reason }) on the socket: fill every room from its `contiguous`;
// - a reconnect (possibly to another process): the same as `resync`.
// `resync` and a reconnect fill either room by room (`per-room`: messages.find per room) or with the bulk call
// (`bulk`: catch-up.find with every room's `contiguous` as `since`, paged by cursor; a failed bulk leaves every
// room `failed`, so `settled` falls back to filling them room by room).
// Fills of one room run one at a time; a message arriving during a fill is simply merged (ids are unique).
import type { ClientApplication } from '../../src/client'

export interface RoomSeqs {
  contiguous: number
  // Held messages by seq (those past `contiguous` wait for the hole before them to be filled).
  bySeq: Map<number, any>
  filling: Promise<void>
  // A fill waits behind the one under way: further requests join it rather than queue their own.
  queued: boolean
  // The last fill failed: the room may still have a hole.
  failed: boolean
}

export class CatchUpRecipe {
  rooms = new Map<string, RoomSeqs>()
  // How often each way of filling ran (for the fault figures).
  stats = { gaps: 0, resyncs: 0, fetched: 0, bulkPages: 0 }
  // Messages per bulk page.
  bulkLimit = 500

  constructor(
    public client: ClientApplication,
    public mode: 'per-room' | 'bulk' = 'per-room'
  ) {}

  // Starts following a room from its beginning (fetches its history).
  async follow(roomId: string) {
    this.rooms.set(roomId, {
      contiguous: 0,
      bySeq: new Map(),
      filling: Promise.resolve(),
      queued: false,
      failed: false
    })
    await this.fill(roomId)
  }

  // A `messages created` event: held, and a hole before it is filled.
  receive(message: any) {
    const room = this.rooms.get(message.room_id)
    if (!room) return
    this.hold(room, message)
    if (message.seq > room.contiguous + 1) {
      this.stats.gaps++
      void this.fill(message.room_id)
    }
  }

  // The server's `resync` event, or a reconnect: every room is filled from its contiguous seq.
  async resync() {
    this.stats.resyncs++
    if (this.mode === 'bulk') return this.bulkFill()
    await Promise.all([...this.rooms.keys()].map((roomId) => this.fill(roomId)))
  }

  // One paged catch-up call for all followed rooms, from each room's contiguous seq. Each room's `filling`
  // waits for it (so `settled` does); messages of rooms not followed are ignored.
  private bulkFill(): Promise<void> {
    const rooms = [...this.rooms.values()]
    const since: Record<string, number> = {}
    for (const [roomId, room] of this.rooms) since[roomId] = room.contiguous
    for (const room of rooms) room.failed = true
    const run = (async () => {
      const client = this.client
      let cursor: string | undefined
      do {
        const query = { since, limit: this.bulkLimit, ...(cursor ? { cursor } : {}) }
        const page = await client.service('catch-up').find({ query })
        this.stats.bulkPages++
        this.stats.fetched += page.data.length
        for (const message of page.data) {
          const room = this.rooms.get(message.room_id)
          if (room) this.hold(room, message)
        }
        cursor = page.next_cursor ?? undefined
      } while (cursor)
      for (const room of rooms) room.failed = false
    })()
    for (const room of rooms) room.filling = room.filling.catch(() => undefined).then(() => run)
    return run
  }

  // A reconnect (maybe to another process): requests left on the old connection are abandoned (they may
  // never be answered) and every room is filled through the new one.
  async reconnected(client: ClientApplication) {
    this.client = client
    for (const room of this.rooms.values()) {
      room.filling = Promise.resolve()
      room.queued = false
    }
    await this.resync()
  }

  // Resolves when no fill is under way; a fill that failed (its server went away mid-way) is run again.
  async settled() {
    for (;;) {
      const rooms = [...this.rooms.entries()]
      const pending = rooms.map(([, r]) => r.filling)
      await Promise.all(pending.map((p) => p.catch(() => undefined)))
      const failed = rooms.filter(([, r]) => r.failed)
      for (const [roomId] of failed) void this.fill(roomId)
      if (!failed.length && rooms.every(([, r], i) => r.filling === pending[i])) return
    }
  }

  ids(roomId: string) {
    return new Set([...(this.rooms.get(roomId)?.bySeq.values() ?? [])].map((m) => m.id))
  }

  private hold(room: RoomSeqs, message: any) {
    room.bySeq.set(message.seq, message)
    while (room.bySeq.has(room.contiguous + 1)) room.contiguous++
  }

  // Fetches every page after the room's contiguous seq (chained after any fill under way).
  fill(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId)!
    if (room.queued) return room.filling
    room.queued = true
    const run = async () => {
      room.queued = false
      room.failed = true
      for (let after = room.contiguous, more = true; more;) {
        const page = await this.client
          .service('messages')
          .find({ query: { room_id: roomId, after, limit: 100 } })
        this.stats.fetched += page.data.length
        for (const message of page.data) this.hold(room, message)
        more = page.has_more
        if (page.data.length) after = page.data[page.data.length - 1].seq
      }
      room.failed = false
    }
    room.filling = room.filling.catch(() => undefined).then(run)
    return room.filling
  }
}
