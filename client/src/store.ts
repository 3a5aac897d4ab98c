// Client state: rooms, timelines, people, presence, typing, receipts, notifications; one subscribable store.
import type { FriendshipView, Message, Notification, Org, Room, User } from '../../src/client'

export type Conn = 'connecting' | 'online' | 'offline'

export interface Pending {
  client_msg_id: string
  room_id: string
  body: string
  upload_ids?: string[]
  client_sent_at: string
  status: 'pending' | 'failed'
  error?: string
}

export interface Timeline {
  byId: Map<string, Message>
  // Highest seq up to which every message is held (the catch-up recipe's cursor), and the oldest loaded.
  contiguous: number
  oldest: number
  hasOlder: boolean
  loadingOlder: boolean
  // The newest page has been fetched; until then live messages only move the room's summary.
  loaded: boolean
}

export interface State {
  me: User | null
  org: Org | null
  conn: Conn
  // The socket cannot connect at all (server down, or this page's origin not in CORS_ORIGINS).
  unreachable: boolean
  everOnline: boolean
  sessionEnded: string | null
  users: Map<string, User>
  rooms: Map<string, Room>
  timelines: Map<string, Timeline>
  pending: Pending[]
  typing: Map<string, Map<string, number>>
  presence: Map<string, 'online' | 'offline'>
  pointers: Map<string, Map<string, number>>
  notifications: Notification[]
  unreadNotifications: number
  friends: FriendshipView[]
  openRoomId: string | null
  // A search result to show: the room opens scrolled to this message.
  jumpTo: { roomId: string; seq: number } | null
  lastServerTime: string | null
}

export const initialState = (): State => ({
  me: null,
  org: null,
  conn: 'connecting',
  unreachable: false,
  everOnline: false,
  sessionEnded: null,
  users: new Map(),
  rooms: new Map(),
  timelines: new Map(),
  pending: [],
  typing: new Map(),
  presence: new Map(),
  pointers: new Map(),
  notifications: [],
  unreadNotifications: 0,
  friends: [],
  openRoomId: null,
  jumpTo: null,
  lastServerTime: null
})

// Mutable state plus a version counter: components re-render when the version moves (useSyncExternalStore).
class Store {
  state: State = initialState()
  version = 0
  private listeners = new Set<() => void>()
  private scheduled = false

  subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getVersion = () => this.version

  // Many events can arrive in one tick (a catch-up page); one render per microtask is enough.
  emit() {
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.version++
      for (const listener of this.listeners) listener()
    })
  }

  update(change: (s: State) => void) {
    change(this.state)
    this.emit()
  }

  reset() {
    this.state = { ...initialState(), unreachable: this.state.unreachable }
    this.emit()
  }
}

export const store = new Store()

const time = (value: unknown) => (value ? new Date(value as string).getTime() : 0)

export const noteServerTime = (s: State, value: unknown) => {
  if (value && time(value) > time(s.lastServerTime))
    s.lastServerTime = new Date(value as string).toISOString()
}

// Rooms by activity: the newest message first, then the newest room.
export const roomsByActivity = (s: State) =>
  [...s.rooms.values()].sort(
    (a, b) => time(b.last_message_at ?? b.created_at) - time(a.last_message_at ?? a.created_at)
  )

export const timelineOf = (s: State, roomId: string): Timeline => {
  let t = s.timelines.get(roomId)
  if (!t) {
    t = {
      byId: new Map(),
      contiguous: 0,
      oldest: Infinity,
      hasOlder: true,
      loadingOlder: false,
      loaded: false
    }
    s.timelines.set(roomId, t)
  }
  return t
}

export const sortedMessages = (t: Timeline) => [...t.byId.values()].sort((a, b) => a.seq - b.seq)

// Adds or replaces messages (deduplicated by id) and moves the contiguous cursor over any run without holes.
export const putMessages = (s: State, roomId: string, messages: Message[]) => {
  const t = timelineOf(s, roomId)
  const seqs = new Set<number>()
  for (const m of t.byId.values()) seqs.add(m.seq)
  for (const m of messages) {
    t.byId.set(m.id, m)
    seqs.add(m.seq)
    t.oldest = Math.min(t.oldest, m.seq)
    noteServerTime(s, m.updated_at ?? m.created_at)
    if (m.client_msg_id) s.pending = s.pending.filter((p) => p.client_msg_id !== m.client_msg_id)
  }
  while (seqs.has(t.contiguous + 1)) t.contiguous++
  return t
}

export const displayName = (s: State, userId: string | null | undefined) => {
  if (!userId) return 'system'
  const u = s.users.get(userId)
  return u ? u.name || u.username : 'someone'
}

export const roomTitle = (s: State, room: Room) =>
  room.kind === 'dm' ? displayName(s, room.dm_peer_id) : (room.name ?? 'room')

export const typingNames = (s: State, roomId: string) => {
  const now = Date.now()
  const names: string[] = []
  for (const [userId, until] of s.typing.get(roomId) ?? []) {
    if (until > now && userId !== s.me?.id) names.push(displayName(s, userId))
  }
  return names
}
