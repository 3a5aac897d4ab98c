// An open room: history (older pages on scroll, position kept), live messages, typing, seen-by, composer.
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { client } from '../api'
import { displayName, roomTitle, sortedMessages, store, timelineOf, typingNames } from '../store'
import { loadLatest, loadOlder, loadPointers, markRead } from '../sync'
import { useStore, useTick } from './hooks'
import { MessageItem, PendingItem } from './MessageItem'
import { Composer } from './Composer'
import { PresenceDot } from './Sidebar'

export const RoomView = ({ roomId, onBack }: { roomId: string; onBack: () => void }) => {
  const s = useStore()
  useTick(1000)
  const room = s.rooms.get(roomId)
  const listRef = useRef<HTMLDivElement>(null)
  const anchor = useRef<{ height: number; top: number } | null>(null)
  const stick = useRef(true)
  const isLoaded = () => !!store.state.timelines.get(roomId)?.loaded
  const [loaded, setLoaded] = useState(isLoaded)

  useEffect(() => {
    stick.current = true
    setLoaded(isLoaded())
    const first = isLoaded() ? Promise.resolve() : loadLatest(roomId)
    void first.then(() => {
      setLoaded(true)
      markRead(roomId)
    })
    void loadPointers(roomId)
    const onVisible = () => markRead(roomId)
    document.addEventListener('visibilitychange', onVisible)
    return () => document.removeEventListener('visibilitychange', onVisible)
  }, [roomId])

  // A search result: load older pages until the message is held (at most 40 pages), then scroll to it.
  const jump = s.jumpTo?.roomId === roomId && loaded ? s.jumpTo.seq : null
  useEffect(() => {
    if (jump === null) return
    stick.current = false
    let cancelled = false
    const go = async () => {
      for (let i = 0; i < 40 && !cancelled; i++) {
        const tl = timelineOf(store.state, roomId)
        if (tl.oldest <= jump || !tl.hasOlder) break
        await loadOlder(roomId)
      }
      store.update((st) => {
        st.jumpTo = null
      })
      requestAnimationFrame(() => {
        const el = listRef.current?.querySelector<HTMLElement>(`[data-seq="${jump}"]`)
        el?.scrollIntoView({ block: 'center' })
        el?.classList.add('jumped')
        el?.focus()
      })
    }
    void go()
    return () => {
      cancelled = true
    }
  }, [jump, roomId])

  const t = timelineOf(s, roomId)
  const messages = sortedMessages(t)
  const pending = s.pending.filter((p) => p.room_id === roomId)
  const count = messages.length + pending.length

  // Keep the view where it was: at the bottom for new messages, on the same message after older ones load.
  useLayoutEffect(() => {
    const el = listRef.current
    if (!el) return
    if (anchor.current) {
      el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top
      anchor.current = null
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [count, loaded])

  const onScroll = () => {
    const el = listRef.current
    if (!el) return
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
    if (stick.current) markRead(roomId)
    if (el.scrollTop < 80 && t.hasOlder && !t.loadingOlder && loaded) {
      anchor.current = { height: el.scrollHeight, top: el.scrollTop }
      void loadOlder(roomId)
    }
  }

  if (!room) return <section className="room empty">This room is no longer available.</section>
  const me = s.me!.id
  const pointers = s.pointers.get(roomId)
  const lastMine = [...messages].reverse().find((m) => m.sender_id === me)
  const seenBy =
    lastMine && pointers
      ? [...pointers].filter(([u, seq]) => u !== me && seq >= lastMine.seq).map(([u]) => displayName(s, u))
      : []
  const typing = typingNames(s, roomId)
  const toggleMute = async () => {
    const [mine] = (await client.service('members').find({ query: { room_id: roomId, user_id: me } })).data
    if (mine) await client.service('members').patch(mine.id, { muted: !room.muted })
  }

  return (
    <section className="room" aria-label={`Room ${roomTitle(s, room)}`}>
      <header className="room-header">
        <button type="button" className="back" aria-label="Back to rooms" onClick={onBack}>
          ←
        </button>
        {room.kind === 'dm' && <PresenceDot userId={room.dm_peer_id} />}
        <h2>{roomTitle(s, room)}</h2>
        {room.topic && <span className="topic">{room.topic}</span>}
        <button type="button" className="small" aria-pressed={room.muted} onClick={() => void toggleMute()}>
          {room.muted ? 'Unmute' : 'Mute'}
        </button>
      </header>
      <div
        className="messages"
        ref={listRef}
        onScroll={onScroll}
        role="log"
        aria-label="Messages"
        tabIndex={0}
      >
        {t.hasOlder && loaded && <p className="older">Loading older messages…</p>}
        {!t.hasOlder && loaded && <p className="older">Beginning of the conversation</p>}
        {messages.map((m) => (
          <MessageItem key={m.id} m={m} mine={m.sender_id === me} seenBy={m === lastMine ? seenBy : []} />
        ))}
        {pending.map((p) => (
          <PendingItem key={p.client_msg_id} p={p} />
        ))}
      </div>
      <p className="typing" aria-live="polite">
        {typing.length ? `${typing.join(', ')} ${typing.length > 1 ? 'are' : 'is'} typing…` : ''}
      </p>
      <Composer roomId={roomId} disabled={!!room.archived_at} />
    </section>
  )
}
