// Notifications (unread first, mark all read) and friends (requests, accept, decline, block, DM).
import { useState } from 'react'
import { client } from '../api'
import { displayName } from '../store'
import { useStore } from './hooks'
import { PresenceDot } from './Sidebar'
import { openDm, useAction } from './actions'
import { timeOf } from './text'

export const Notifications = ({ onOpenRoom }: { onOpenRoom: (id: string) => void }) => {
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

export const Friends = ({ onOpenRoom }: { onOpenRoom: (id: string) => void }) => {
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
