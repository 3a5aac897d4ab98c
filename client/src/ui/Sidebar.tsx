// The room list: newest activity first, unread badges, last-message previews, presence of DM peers.
import { roomsByActivity, roomTitle, displayName } from '../store'
import type { State } from '../store'
import { useStore } from './hooks'

export const PresenceDot = ({ userId }: { userId: string | null | undefined }) => {
  const s = useStore()
  const online = userId ? s.presence.get(userId) === 'online' : false
  return (
    <span
      className={`dot ${online ? 'online' : 'offline'}`}
      role="img"
      aria-label={online ? 'online' : 'offline'}
      title={online ? 'online' : 'offline'}
    />
  )
}

const preview = (s: State, room: ReturnType<typeof roomsByActivity>[number]) => {
  const m = room.last_message
  if (!m) return 'No messages yet'
  if (m.unsent) return 'This message was unsent.'
  if (m.deleted) return 'This message was deleted.'
  const who = m.sender_id === s.me?.id ? 'You' : displayName(s, m.sender_id)
  // A file sent without a caption has an empty body: say what it is instead of showing nothing.
  return `${who}: ${m.body || (m.kind === 'file' ? 'sent a file' : '')}`
}

export const RoomList = ({ onOpen }: { onOpen: (id: string) => void }) => {
  const s = useStore()
  const rooms = roomsByActivity(s)
  return (
    <nav aria-label="Rooms">
      <ul className="rooms">
        {rooms.map((room) => (
          <li key={room.id}>
            <button
              type="button"
              className={`room-item${s.openRoomId === room.id ? ' active' : ''}`}
              aria-current={s.openRoomId === room.id ? 'page' : undefined}
              onClick={() => onOpen(room.id)}
              data-room={room.id}
            >
              <span className="room-name">
                {room.kind === 'dm' ? (
                  <PresenceDot userId={room.dm_peer_id} />
                ) : (
                  <span aria-hidden="true">#</span>
                )}
                {roomTitle(s, room)}
                {room.muted && <span className="muted-tag"> (muted)</span>}
              </span>
              <span className="preview">{preview(s, room)}</span>
              {room.unread_count > 0 && (
                <span className="badge" aria-label={`${room.unread_count} unread`}>
                  {room.unread_count}
                </span>
              )}
            </button>
          </li>
        ))}
        {rooms.length === 0 && <li className="hint">No rooms yet: create one.</li>}
      </ul>
    </nav>
  )
}
