// Dialog panels: new room, new DM, invites, notifications, friends (the admin page is in Admin.tsx).
import { useState } from 'react'
import type { FormEvent } from 'react'
import { client, errorText } from '../api'
import { displayName, store } from '../store'
import { useStore } from './hooks'
import { Dialog } from './Dialog'
import { PresenceDot } from './Sidebar'
import { Admin } from './Admin'
import { Search } from './Search'
import { timeOf } from './text'

export type PanelName = 'search' | 'new-room' | 'new-dm' | 'invite' | 'notifications' | 'friends' | 'admin'

const useAction = () => {
  const [error, setError] = useState<string | null>(null)
  const run = async (action: () => Promise<unknown>) => {
    setError(null)
    try {
      await action()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    }
  }
  const shown = error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null
  return { run, shown }
}

const openDm = async (userId: string, onOpenRoom: (id: string) => void) => {
  const room = await client.service('rooms').create({ kind: 'dm', user_id: userId } as any)
  const full = await client.service('rooms').get(room.id)
  store.update((s) => void s.rooms.set(full.id, full))
  onOpenRoom(full.id)
}

const NewRoom = ({ onOpenRoom }: { onOpenRoom: (id: string) => void }) => {
  const [name, setName] = useState('')
  const [topic, setTopic] = useState('')
  const { run, shown } = useAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void run(async () => {
      const room = await client.service('rooms').create({ name, ...(topic ? { topic } : {}) })
      const full = await client.service('rooms').get(room.id)
      store.update((s) => void s.rooms.set(full.id, full))
      onOpenRoom(full.id)
    })
  }
  return (
    <form onSubmit={submit}>
      <label>
        Room name
        <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Topic (optional)
        <input maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
      </label>
      {shown}
      <button type="submit" className="primary">
        Create room
      </button>
    </form>
  )
}

const NewDm = ({ onOpenRoom }: { onOpenRoom: (id: string) => void }) => {
  const s = useStore()
  const [q, setQ] = useState('')
  const { run, shown } = useAction()
  const people = [...s.users.values()].filter(
    (u) =>
      u.id !== s.me?.id &&
      u.status === 'active' &&
      (u.username.includes(q.toLowerCase()) || u.name.toLowerCase().includes(q.toLowerCase()))
  )
  return (
    <div>
      <label>
        Find a person
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      {shown}
      <ul className="people">
        {people.slice(0, 50).map((u) => (
          <li key={u.id}>
            <PresenceDot userId={u.id} /> {u.name} <span className="muted">@{u.username}</span>
            <button type="button" className="small" onClick={() => void run(() => openDm(u.id, onOpenRoom))}>
              Message
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}

const Invite = () => {
  const [email, setEmail] = useState('')
  const [role, setRole] = useState('MEMBER')
  const [link, setLink] = useState<string | null>(null)
  const { run, shown } = useAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void run(async () => {
      const invite: any = await client.service('invites').create({ email, role } as any)
      setLink(`${window.location.origin}/?invite=${encodeURIComponent(invite.token)}`)
    })
  }
  return (
    <form onSubmit={submit}>
      <label>
        Email
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="MEMBER">Member</option>
          <option value="MANAGER">Manager</option>
          <option value="ADMIN">Admin</option>
        </select>
      </label>
      {shown}
      <button type="submit" className="primary">
        Create invite link
      </button>
      {link && (
        <label>
          Invite link (shown once; send it to them)
          <input readOnly value={link} onFocus={(e) => e.target.select()} />
        </label>
      )}
    </form>
  )
}

const Notifications = ({ onOpenRoom }: { onOpenRoom: (id: string) => void }) => {
  const s = useStore()
  const { run, shown } = useAction()
  return (
    <div>
      <button
        type="button"
        onClick={() => void run(() => client.service('notifications').patch(null as any, { read: true }))}
      >
        Mark all read
      </button>
      {shown}
      <ul className="notifications">
        {s.notifications.map((n) => (
          <li key={n.id} className={n.read ? 'read' : 'unread'}>
            <button
              type="button"
              className="link"
              onClick={() => {
                void client.service('notifications').patch(n.id, { read: true })
                if (n.room_id && s.rooms.has(n.room_id)) onOpenRoom(n.room_id)
              }}
            >
              <strong>{n.payload.actor?.name ?? 'Someone'}</strong> {n.type.replace(/_/g, ' ')}
              {n.payload.room?.name ? ` in ${n.payload.room.name}` : ''}
              {n.payload.excerpt ? `: ${n.payload.excerpt}` : ''} <time>{timeOf(n.created_at)}</time>
            </button>
          </li>
        ))}
        {s.notifications.length === 0 && <li className="hint">Nothing yet.</li>}
      </ul>
    </div>
  )
}

const Friends = ({ onOpenRoom }: { onOpenRoom: (id: string) => void }) => {
  const s = useStore()
  const [username, setUsername] = useState('')
  const { run, shown } = useAction()
  const fr = client.service('friendships')
  return (
    <div>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void run(() => fr.create({ username } as any)).then((ok) => ok && setUsername(''))
        }}
      >
        <label>
          Add a friend by username
          <input required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <button type="submit">Send request</button>
      </form>
      {shown}
      <ul className="people">
        {s.friends.map((f) => (
          <li key={f.id}>
            <PresenceDot userId={f.peer_id} /> {displayName(s, f.peer_id)}{' '}
            <span className="muted">
              {f.status === 'pending'
                ? f.direction === 'incoming'
                  ? 'wants to be friends'
                  : 'request sent'
                : f.status}
            </span>
            {f.unread_count > 0 && <span className="badge">{f.unread_count}</span>}
            {f.status === 'pending' && f.direction === 'incoming' && (
              <>
                <button
                  type="button"
                  className="small"
                  onClick={() => void run(() => fr.patch(f.id, { status: 'accepted' } as any))}
                >
                  Accept
                </button>
                <button
                  type="button"
                  className="small"
                  onClick={() => void run(() => fr.patch(f.id, { status: 'rejected' } as any))}
                >
                  Decline
                </button>
              </>
            )}
            {f.status === 'accepted' && (
              <button
                type="button"
                className="small"
                onClick={() => void run(() => openDm(f.peer_id, onOpenRoom))}
              >
                Message
              </button>
            )}
            {f.status !== 'blocked' && (
              <button
                type="button"
                className="small"
                onClick={() => void run(() => fr.patch(f.id, { status: 'blocked' } as any))}
              >
                Block
              </button>
            )}
            <button type="button" className="small" onClick={() => void run(() => fr.remove(f.id))}>
              {f.status === 'blocked' ? 'Unblock' : f.status === 'accepted' ? 'Unfriend' : 'Cancel'}
            </button>
          </li>
        ))}
        {s.friends.length === 0 && <li className="hint">No friends yet.</li>}
      </ul>
    </div>
  )
}

const TITLES: Record<PanelName, string> = {
  search: 'Search',
  'new-room': 'New room',
  'new-dm': 'New direct message',
  invite: 'Invite someone',
  notifications: 'Notifications',
  friends: 'Friends',
  admin: 'Administration'
}

export const Panels = ({
  name,
  onClose,
  onOpenRoom
}: {
  name: PanelName
  onClose: () => void
  onOpenRoom: (id: string) => void
}) => (
  <Dialog title={TITLES[name]} onClose={onClose}>
    {name === 'search' && <Search onOpenRoom={onOpenRoom} />}
    {name === 'new-room' && <NewRoom onOpenRoom={onOpenRoom} />}
    {name === 'new-dm' && <NewDm onOpenRoom={onOpenRoom} />}
    {name === 'invite' && <Invite />}
    {name === 'notifications' && <Notifications onOpenRoom={onOpenRoom} />}
    {name === 'friends' && <Friends onOpenRoom={onOpenRoom} />}
    {name === 'admin' && <Admin />}
  </Dialog>
)
