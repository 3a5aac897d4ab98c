// Dialog panels: search, new room, new DM, invites; notifications and friends (Social.tsx), admin (Admin.tsx).
import { useState } from 'react'
import type { FormEvent } from 'react'
import { client } from '../api'
import { store } from '../store'
import { useStore } from './hooks'
import { Dialog } from './Dialog'
import { PresenceDot } from './Sidebar'
import { Admin } from './Admin'
import { Friends, Notifications } from './Social'
import { openDm, useAction } from './actions'
import { Search } from './Search'

export type PanelName = 'search' | 'new-room' | 'new-dm' | 'invite' | 'notifications' | 'friends' | 'admin'

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
