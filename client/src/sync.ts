// Loading and keeping state current: first load, live events, the catch-up recipe after a reconnect, sends.
import type { Message, Room } from '../../src/client'
import { client } from './api'
import { noteServerTime, putMessages, store, timelineOf } from './store'
import type { State } from './store'

const PAGE = 50

// Every page of an adapter-paginated find (rooms, users, friends: bounded lists).
const findAll = async <T>(path: string, query: Record<string, unknown> = {}, max = 1000): Promise<T[]> => {
  const out: T[] = []
  for (;;) {
    const page: any = await (client.service(path as any) as any).find({
      query: { ...query, $limit: 100, $skip: out.length }
    })
    const data: T[] = Array.isArray(page) ? page : page.data
    out.push(...data)
    if (Array.isArray(page) || data.length === 0 || out.length >= page.total || out.length >= max) return out
  }
}

export const loadRooms = async () => {
  const rooms = await findAll<Room>('rooms')
  store.update((s) => {
    s.rooms = new Map(rooms.map((r) => [r.id, r]))
    for (const r of rooms) noteServerTime(s, r.updated_at)
  })
}

export const loadPeople = async () => {
  const users = await findAll<any>('users')
  store.update((s) => {
    for (const u of users) s.users.set(u.id, u)
  })
  const presence: any = await client.service('presence').find({ query: { $limit: 100 } as any })
  store.update((s) => {
    for (const p of presence.data ?? presence) s.presence.set(p.user_id, p.status)
  })
}

export const loadNotifications = async () => {
  const [page, unread]: any[] = await Promise.all([
    client.service('notifications').find({ query: { $limit: 30 } }),
    client.service('notifications').find({ query: { read: false, $limit: 0 } })
  ])
  store.update((s) => {
    s.notifications = page.data
    s.unreadNotifications = unread.total
  })
}

export const loadFriends = async () => {
  const friends = await findAll<any>('friendships')
  store.update((s) => {
    s.friends = friends
  })
}

export const loadOrg = async (s: State) => {
  if (!s.me?.org_id) return
  const org = await client.service('orgs').get(s.me.org_id)
  store.update((st) => {
    st.org = org
  })
}

// The newest page of a room; the contiguous cursor starts at its highest seq (a page has no holes).
export const loadLatest = async (roomId: string) => {
  const page = await client.service('messages').find({ query: { room_id: roomId, limit: PAGE } })
  store.update((s) => {
    const t = putMessages(s, roomId, page.data)
    t.hasOlder = page.has_more
    t.contiguous = Math.max(t.contiguous, ...page.data.map((m) => m.seq), 0)
    t.loaded = true
  })
}

export const loadOlder = async (roomId: string) => {
  const t = timelineOf(store.state, roomId)
  if (t.loadingOlder || !t.hasOlder || t.oldest === Infinity) return
  t.loadingOlder = true
  try {
    const page = await client
      .service('messages')
      .find({ query: { room_id: roomId, before: t.oldest, limit: PAGE } })
    store.update((s) => {
      putMessages(s, roomId, page.data)
      t.hasOlder = page.has_more
    })
  } finally {
    t.loadingOlder = false
  }
}

export const loadPointers = async (roomId: string) => {
  const page: any = await client.service('receipts').find({ query: { room_id: roomId, $limit: 1000 } })
  store.update((s) => {
    s.pointers.set(roomId, new Map((page.data ?? page).map((p: any) => [p.user_id, p.last_read_seq])))
  })
}

// The recipe's first half for one room: everything after the contiguous cursor, page by page.
export const fillAfter = async (roomId: string) => {
  for (;;) {
    const t = timelineOf(store.state, roomId)
    const page = await client.service('messages').find({ query: { room_id: roomId, after: t.contiguous } })
    store.update((s) => putMessages(s, roomId, page.data))
    if (!page.has_more || page.data.length === 0) return
  }
}

// The recipe's second half: edits, unsends and deletes since a few seconds before the last thing seen.
const fillUpdated = async (roomId: string, since: string) => {
  let before: number | undefined
  for (;;) {
    const query: any = { room_id: roomId, updated_after: since, ...(before ? { before } : {}) }
    const page = await client.service('messages').find({ query })
    store.update((s) => putMessages(s, roomId, page.data))
    if (!page.has_more || page.data.length === 0) return
    before = Math.min(...page.data.map((m) => m.seq))
  }
}

// After a reconnect: rooms (badges, previews, new rooms), then each loaded timeline, then the rest.
export const catchUp = async () => {
  const s = store.state
  const since = s.lastServerTime ? new Date(Date.parse(s.lastServerTime) - 5000).toISOString() : null
  await loadRooms()
  await Promise.all(
    [...s.timelines.entries()].map(async ([roomId, t]) => {
      if (!store.state.rooms.has(roomId) || !t.loaded) return
      await fillAfter(roomId)
      if (since) await fillUpdated(roomId, since)
    })
  )
  if (s.openRoomId) await loadPointers(s.openRoomId)
  await Promise.all([loadNotifications(), loadFriends(), loadPeople()])
}

// Read pointer: only while the room is on screen and the page visible; the server answers my devices.
export const markRead = (roomId: string) => {
  const room = store.state.rooms.get(roomId)
  if (!room || document.visibilityState !== 'visible' || store.state.conn !== 'online') return
  if (room.last_seq <= room.last_read_seq && room.unread_count === 0) return
  const readSeq = room.last_seq
  store.update(() => {
    room.last_read_seq = readSeq
    room.unread_count = 0
  })
  client
    .service('receipts')
    .create({ room_id: roomId, read_seq: readSeq })
    .catch(() => {})
}

// The room list's preview of a message (the room's `last_message` shape).
const previewOf = (m: Message): NonNullable<Room['last_message']> =>
  ({
    ...m,
    sender_kind: (m as { sender_kind?: unknown }).sender_kind ?? null,
    unsent: !!m.unsent_at,
    deleted: !!m.deleted_at
  }) as unknown as NonNullable<Room['last_message']>

// A new message (event or send answer): the timeline if loaded (holes fetched), the room's preview and badge.
export const receiveMessage = (s: State, m: Message) => {
  const room = s.rooms.get(m.room_id)
  const t = s.timelines.get(m.room_id)
  if (t?.loaded) {
    const gap = m.seq > t.contiguous + 1
    putMessages(s, m.room_id, [m])
    if (gap) void fillAfter(m.room_id)
  } else if (m.client_msg_id) {
    s.pending = s.pending.filter((p) => p.client_msg_id !== m.client_msg_id)
  }
  noteServerTime(s, m.updated_at)
  // Whoever just sent has stopped typing.
  if (m.sender_id) s.typing.get(m.room_id)?.delete(m.sender_id)
  if (!room) return
  const isNew = m.seq > room.last_seq
  if (isNew) {
    room.last_seq = m.seq
    room.last_message_at = m.created_at
    room.last_message = previewOf(m)
    if (m.sender_id === s.me?.id) {
      room.last_read_seq = Math.max(room.last_read_seq, m.seq)
    } else if (s.openRoomId === m.room_id && document.visibilityState === 'visible') {
      queueMicrotask(() => markRead(m.room_id))
    } else {
      room.unread_count += 1
    }
  }
}

export const changeMessage = (s: State, m: Message) => {
  if (s.timelines.get(m.room_id)?.loaded) putMessages(s, m.room_id, [m])
  noteServerTime(s, m.updated_at)
  const room = s.rooms.get(m.room_id)
  if (room?.last_message?.id === m.id) {
    room.last_message = previewOf(m)
  }
}
