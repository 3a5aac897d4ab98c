// The application shell: the phase decides the screen; signed in, a top bar, the room list and a room.
import { useCallback, useState } from 'react'
import { store } from '../store'
import { signOut } from '../session'
import { useStore, usePhase } from './hooks'
import { AuthScreen } from './Auth'
import { Onboarding } from './Onboarding'
import { RoomList } from './Sidebar'
import { RoomView } from './RoomView'
import { Panels } from './Panels'
import type { PanelName } from './Panels'

const Banner = () => {
  const s = useStore()
  if (s.conn === 'online' || !s.everOnline) return null
  return (
    <div className="banner" role="status">
      Connection lost — reconnecting… Messages you send now go out when it is back.
    </div>
  )
}

const Chat = () => {
  const s = useStore()
  const [panel, setPanel] = useState<PanelName | null>(null)
  const close = useCallback(() => setPanel(null), [])
  const open = (id: string) => {
    store.update((st) => {
      st.openRoomId = id
    })
    setPanel(null)
  }
  const isAdmin = s.me?.role === 'ADMIN'
  const canInvite = isAdmin || s.me?.role === 'MANAGER'
  return (
    <div className={`shell${s.openRoomId ? ' has-room' : ''}`}>
      <Banner />
      <header className="topbar">
        <h1>{s.org?.name ?? 'ChatBoard'}</h1>
        <div className="toolbar">
          <button
            type="button"
            onClick={() => setPanel('notifications')}
            aria-label={`Notifications, ${s.unreadNotifications} unread`}
          >
            Notifications
            {s.unreadNotifications > 0 && (
              <span className="badge" aria-hidden="true">
                {s.unreadNotifications}
              </span>
            )}
          </button>
          <button type="button" onClick={() => setPanel('search')}>
            Search
          </button>
          <button type="button" onClick={() => setPanel('friends')}>
            Friends
          </button>
          {canInvite && (
            <button type="button" onClick={() => setPanel('invite')}>
              Invite
            </button>
          )}
          {isAdmin && (
            <button type="button" onClick={() => setPanel('admin')}>
              Admin
            </button>
          )}
          <button type="button" onClick={() => void signOut()}>
            Log out
          </button>
        </div>
      </header>
      <aside className="sidebar">
        <div className="sidebar-actions">
          <button type="button" onClick={() => setPanel('new-room')}>
            New room
          </button>
          <button type="button" onClick={() => setPanel('new-dm')}>
            New message
          </button>
        </div>
        <RoomList onOpen={open} />
      </aside>
      <main className="main">
        {s.openRoomId ? (
          <RoomView
            key={s.openRoomId}
            roomId={s.openRoomId}
            onBack={() =>
              store.update((st) => {
                st.openRoomId = null
              })
            }
          />
        ) : (
          <p className="hint">Pick a room on the left, or start a conversation.</p>
        )}
      </main>
      {panel && <Panels name={panel} onClose={close} onOpenRoom={open} />}
    </div>
  )
}

export const App = () => {
  const phase = usePhase()
  if (phase === 'loading') return <p className="hint">Loading…</p>
  if (phase === 'signed-out') return <AuthScreen />
  if (phase === 'no-org') return <Onboarding />
  return <Chat />
}
