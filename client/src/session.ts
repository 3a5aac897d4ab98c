// Session lifecycle: boot, live event wiring, reconnect (re-login, catch-up, resend) and forced logout.
import type { User } from '../../src/client'
import { client, logout, resume, socket, whenSessionLost } from './api'
import { store } from './store'
import {
  catchUp,
  changeMessage,
  loadFriends,
  loadNotifications,
  loadOrg,
  loadPeople,
  loadRooms,
  receiveMessage
} from './sync'
import { flushPending, restorePending } from './outbox'

export type Phase = 'loading' | 'signed-out' | 'no-org' | 'ready'

let phase: Phase = 'loading'
const phaseListeners = new Set<() => void>()
export const getPhase = () => phase
export const subscribePhase = (fn: () => void) => {
  phaseListeners.add(fn)
  return () => phaseListeners.delete(fn)
}
const setPhase = (next: Phase) => {
  phase = next
  for (const fn of phaseListeners) fn()
}

// After a login or a resumed session: the whole picture, then live.
export const enter = async (me: User) => {
  store.update((s) => {
    s.me = me
    s.conn = 'online'
    s.everOnline = true
    s.sessionEnded = null
  })
  if (!me.org_id) return setPhase('no-org')
  restorePending()
  await Promise.all([loadRooms(), loadPeople(), loadNotifications(), loadFriends(), loadOrg(store.state)])
  setPhase('ready')
  await flushPending()
}

export const signOut = async (reason: string | null = null) => {
  await logout()
  store.reset()
  store.update((s) => {
    s.sessionEnded = reason
  })
  setPhase('signed-out')
}

const endedFor = (reason: string) => {
  if (phase === 'signed-out') return
  void signOut(reason)
}

export const boot = async () => {
  wireEvents()
  whenSessionLost(() => endedFor('Your session has ended. Please log in again.'))
  try {
    const me = await resume()
    if (me) return await enter(me)
  } catch {
    // Server unreachable: the reconnect handler takes over once it is back.
  }
  setPhase('signed-out')
}

let reconnecting: Promise<void> | null = null

const onReconnect = async () => {
  if (phase === 'signed-out' || phase === 'loading') return
  try {
    const me = await resume(true)
    if (!me) return endedFor('Your session has ended. Please log in again.')
    store.update((s) => {
      s.me = me
      s.conn = 'online'
    })
    if (phase === 'ready') {
      await catchUp()
      await flushPending()
    }
  } catch {
    // Not answered yet (server still starting): the next reconnect tries again.
  }
}

function wireEvents() {
  socket.on('connect_error', () =>
    store.update((s) => {
      s.unreachable = true
    })
  )
  socket.on('connect', () => {
    store.update((s) => {
      s.unreachable = false
    })
    reconnecting = (reconnecting ?? Promise.resolve()).then(onReconnect)
  })
  socket.on('disconnect', (reason) => {
    store.update((s) => {
      s.conn = 'offline'
    })
    // The authentication client re-logs in by itself on reconnect; its refusal is handled in onReconnect.
    ;((client as any).get('authentication') as Promise<unknown> | undefined)?.catch(() => {})
    // A server-side disconnect (session ended, or the server going away) is not retried by Socket.IO itself.
    if (reason === 'io server disconnect') socket.connect()
  })
  socket.on('resync', () => void catchUp())

  const messages = client.service('messages')
  messages.on('created', (m) => store.update((s) => receiveMessage(s, m)))
  messages.on('patched', (m) => store.update((s) => changeMessage(s, m)))
  messages.on('removed', (m) => store.update((s) => changeMessage(s, m)))

  const rooms = client.service('rooms')
  const fetchRoom = (id: string) =>
    rooms
      .get(id)
      .then((room) => store.update((s) => void s.rooms.set(room.id, room)))
      .catch(() => {})
  rooms.on('created', (r: any) => void fetchRoom(r.id))
  rooms.on('patched', (r: any) =>
    store.update((s) => {
      const mine = s.rooms.get(r.id)
      if (mine) s.rooms.set(r.id, { ...mine, ...r })
    })
  )
  const members = client.service('members')
  members.on('created', (m: any) => {
    if (m.user_id === store.state.me?.id) void fetchRoom(m.room_id)
  })
  members.on('removed', (m: any) =>
    store.update((s) => {
      if (m.user_id !== s.me?.id) return
      s.rooms.delete(m.room_id)
      s.timelines.delete(m.room_id)
      if (s.openRoomId === m.room_id) s.openRoomId = null
    })
  )
  members.on('patched', (m: any) =>
    store.update((s) => {
      const room = s.rooms.get(m.room_id)
      if (room && m.user_id === s.me?.id && typeof m.muted === 'boolean') room.muted = m.muted
    })
  )

  client.service('typing').on('created', (t: any) =>
    store.update((s) => {
      const map = s.typing.get(t.room_id) ?? new Map<string, number>()
      map.set(t.user_id, t.stopped ? 0 : Date.parse(t.expires_at))
      s.typing.set(t.room_id, map)
    })
  )

  client.service('receipts').on('created', (r: any) =>
    store.update((s) => {
      if (r.user_id === s.me?.id && typeof r.unread_count === 'number') {
        // Another of my devices (or this one) read: every device shows the same badge.
        const room = s.rooms.get(r.room_id)
        if (room) {
          room.unread_count = r.unread_count
          room.last_read_seq = Math.max(room.last_read_seq, r.last_read_seq)
        }
      }
      const map = s.pointers.get(r.room_id)
      if (map) map.set(r.user_id, Math.max(map.get(r.user_id) ?? 0, r.last_read_seq))
    })
  )

  client.service('presence').on('patched', (batch: any) =>
    store.update((s) => {
      for (const p of Array.isArray(batch) ? batch : [batch]) s.presence.set(p.user_id, p.status)
    })
  )

  client.service('users').on('patched', (u: any) => {
    store.update((s) => {
      const known = s.users.get(u.id)
      s.users.set(u.id, { ...known, ...u })
      if (s.me?.id === u.id) s.me = { ...s.me, ...u }
    })
    if (u.id === store.state.me?.id && u.status !== 'active') endedFor(`Your account was ${u.status}.`)
  })
  client.service('users').on('removed', (u: any) => {
    if (u.id === store.state.me?.id) endedFor('You were removed from the organization.')
  })

  const notifications = client.service('notifications')
  notifications.on('created', () => void loadNotifications())
  notifications.on('patched', () => void loadNotifications())
  notifications.on('removed', () => void loadNotifications())
  const friendships = client.service('friendships')
  for (const event of ['created', 'patched', 'removed']) friendships.on(event, () => void loadFriends())
}

export const onOrgJoined = async () => {
  const me = await client.service('users').get(store.state.me!.id)
  await enter(me)
}
