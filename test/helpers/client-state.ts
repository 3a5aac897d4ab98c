// A client's model of its rooms, as a real client keeps it: an initial fetch, then the events it receives
// applied in order (fetching a room when it first appears). Tests compare it with a fresh fetch.
import type { ClientApplication } from '../../src/client'
import type { Recorded } from './events'

export const PREVIEW_LENGTH = 140

export interface RoomState {
  room: any
  messages: Map<string, any>
  members: Map<string, any>
}

// Every page of a paginated find ({ total, data } with $skip/$limit).
export const findAll = async (service: any, query: Record<string, unknown>, pageSize = 100) => {
  const all: any[] = []
  for (let skip = 0; ; skip += pageSize) {
    const page = await service.find({ query: { ...query, $limit: pageSize, $skip: skip } })
    all.push(...page.data)
    if (page.data.length === 0 || skip + page.data.length >= page.total) return all
  }
}

// A room's whole history, oldest first, paging by seq with has_more.
export const historyOf = async (client: ClientApplication, roomId: string, limit = 100) => {
  const all: any[] = []
  for (let after = 0; ;) {
    const page = await client.service('messages').find({ query: { room_id: roomId, after, limit } })
    all.push(...page.data)
    if (!page.has_more) return all
    after = page.data[page.data.length - 1].seq
  }
}

export class ClientState {
  rooms = new Map<string, RoomState>()
  // Events that concerned a room this client is not in: each one is a leak.
  strays: Recorded[] = []
  // Values an event carried that disagree with what this client holds.
  mismatches: string[] = []
  private applied = 0

  constructor(
    public client: ClientApplication,
    public me: string
  ) {}

  async load() {
    const rooms = await findAll(this.client.service('rooms'), {}, 25)
    for (const room of rooms) await this.loadRoom(room.id, room)
    return this
  }

  // A room's own view, history and members, as a client fetches a room it has just learnt about.
  async loadRoom(roomId: string, room?: any) {
    const [view, messages, members] = await Promise.all([
      room ?? this.client.service('rooms').get(roomId),
      historyOf(this.client, roomId),
      findAll(this.client.service('members'), { room_id: roomId })
    ])
    this.rooms.set(roomId, {
      room: view,
      messages: new Map(messages.map((m: any) => [m.id, m])),
      members: new Map(members.map((m: any) => [m.id, m]))
    })
  }

  // Applies the recorded events not applied yet, in arrival order; fetches rooms as they appear.
  async follow(seen: Recorded[]) {
    while (this.applied < seen.length) {
      const event = seen[this.applied++]
      const fetch = this.apply(event)
      if (fetch) await this.loadRoom(fetch)
    }
  }

  private stray(event: Recorded, roomId: string) {
    const state = this.rooms.get(roomId)
    if (!state) this.strays.push(event)
    return state
  }

  // Returns the id of a room to fetch, when the event announces a room this client has just entered.
  apply(event: Recorded): string | null {
    const { path, event: name, data } = event
    if (path === 'rooms') {
      if (name === 'created') return this.rooms.has(data.id) ? null : data.id
      const state = this.stray(event, data.id)
      // Room events carry the shared fields only; this client's own fields stay as they are.
      if (state) Object.assign(state.room, data)
      return null
    }
    if (path === 'messages') {
      const state = this.stray(event, data.room_id)
      if (!state) return null
      // Events carry no delivery state (it is the sender's alone); derive() works it out.
      state.messages.set(data.id, data)
      if (name === 'created' && data.seq > state.room.last_seq) {
        state.room.last_seq = data.seq
        state.room.last_message_at = data.created_at
      }
      // Sending moves the sender's own pointers to the message (no receipt event says so).
      if (name === 'created') this.movePointers(state, data.sender_id, data.seq, data.seq)
      return null
    }
    if (path === 'receipts') {
      const state = this.stray(event, data.room_id)
      if (!state) return null
      this.movePointers(state, data.user_id, data.last_read_seq, data.delivered_seq)
      // My own read receipt carries my unread count: it must agree with what I hold.
      if (data.user_id === this.me && data.unread_count !== undefined) {
        const expected = this.unreadOf(state)
        if (data.unread_count !== expected)
          this.mismatches.push(`receipt unread_count ${data.unread_count}, expected ${expected}`)
      }
      return null
    }
    if (path === 'members') {
      if (name === 'created' && data.user_id === this.me && !this.rooms.has(data.room_id)) return data.room_id
      if (name === 'removed' && data.user_id === this.me) {
        this.rooms.delete(data.room_id)
        return null
      }
      const state = this.stray(event, data.room_id)
      if (!state) return null
      const known = state.members.has(data.id)
      if (name === 'removed') {
        if (known) state.room.member_count -= 1
        state.members.delete(data.id)
      } else {
        if (!known && name === 'created') state.room.member_count += 1
        // Events about a member row leave `muted` out unless they come from its owner: keep what we knew.
        const before = state.members.get(data.id)
        state.members.set(data.id, 'muted' in data || !before ? data : { ...data, muted: before.muted })
      }
      return null
    }
    if (path === 'users' && name === 'patched') {
      // Member rows show the user's current names.
      for (const state of this.rooms.values()) {
        for (const member of state.members.values()) {
          if (member.user_id === data.id) Object.assign(member, { username: data.username, name: data.name })
        }
      }
    }
    return null
  }

  private movePointers(state: RoomState, userId: string, read: number, delivered: number) {
    for (const member of state.members.values()) {
      if (member.user_id !== userId) continue
      member.last_read_seq = Math.max(member.last_read_seq, read)
      member.delivered_seq = Math.max(member.delivered_seq, delivered, member.last_read_seq)
    }
  }

  private mine(state: RoomState) {
    return [...state.members.values()].find((m) => m.user_id === this.me)
  }

  // Unread: messages after my read pointer that are not mine and not unsent or deleted.
  private unreadOf(state: RoomState) {
    const pointer = this.mine(state)?.last_read_seq ?? 0
    return [...state.messages.values()].filter(
      (m) => m.seq > pointer && m.sender_id !== this.me && !m.unsent_at && !m.deleted_at
    ).length
  }

  // The personal fields a client works out from what it holds: my role, mute and read position from my member
  // row, my unread count and the last-message preview from the history, and the delivery state of my own
  // messages from the other members' pointers (as the server does: persisted -> delivered -> read).
  derive() {
    for (const state of this.rooms.values()) {
      const { room, messages, members } = state
      const mine = this.mine(state)
      if (mine)
        Object.assign(room, { my_role: mine.role, muted: mine.muted, last_read_seq: mine.last_read_seq })
      room.unread_count = this.unreadOf(state)
      const all = [...messages.values()]
      const last = all.find((m) => m.seq === room.last_seq)
      room.last_message = last
        ? {
            id: last.id,
            seq: last.seq,
            sender_id: last.sender_id,
            sender_kind: last.sender_kind,
            body: last.body.slice(0, PREVIEW_LENGTH),
            kind: last.kind,
            created_at: last.created_at,
            unsent: !!last.unsent_at,
            deleted: !!last.deleted_at
          }
        : null
      const others = [...members.values()].filter((m) => m.user_id !== this.me)
      for (const message of all) {
        if (message.sender_id !== this.me) continue
        const recipients = others.length
        const delivered = others.filter(
          (m) => m.delivered_seq >= message.seq || m.last_read_seq >= message.seq
        ).length
        const read = others.filter((m) => m.last_read_seq >= message.seq).length
        const status =
          recipients > 0 && read === recipients
            ? 'read'
            : recipients > 0 && delivered === recipients
              ? 'delivered'
              : 'persisted'
        message.delivery = { status, recipients, delivered, read }
      }
    }
    return this
  }
}
