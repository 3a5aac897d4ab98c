// Message search: results best first with the matched words marked; choosing one opens the room at it.
import { useState } from 'react'
import type { FormEvent, ReactNode } from 'react'
import type { SearchHit } from '../../../src/services/search/search.shared'
import { client, errorText } from '../api'
import { displayName, roomTitle, store } from '../store'
import { useStore } from './hooks'
import { timeOf } from './text'

// The server gives plain text plus [start, end) ranges; the marks are made here, as elements, never as HTML.
const Marked = ({ text, ranges }: { text: string; ranges: Array<{ start: number; end: number }> }) => {
  const parts: ReactNode[] = []
  let at = 0
  for (const { start, end } of [...ranges].sort((a, b) => a.start - b.start)) {
    if (start < at || end > text.length) continue
    if (start > at) parts.push(text.slice(at, start))
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>)
    at = end
  }
  if (at < text.length) parts.push(text.slice(at))
  return <>{parts}</>
}

export const Search = ({ onOpenRoom }: { onOpenRoom: (id: string) => void }) => {
  const s = useStore()
  const [q, setQ] = useState('')
  const [hits, setHits] = useState<SearchHit[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      setHits((await client.service('search').find({ query: { q, limit: 30 } })).data)
    } catch (err) {
      setError(errorText(err))
    }
  }
  const jump = (hit: SearchHit) => {
    store.update((st) => {
      st.jumpTo = { roomId: hit.room_id, seq: hit.seq }
    })
    onOpenRoom(hit.room_id)
  }
  return (
    <div>
      <form onSubmit={submit} role="search">
        <label>
          Search messages
          <input type="search" required maxLength={200} value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {hits && (
        <ul className="notifications" aria-label="Search results">
          {hits.map((hit) => {
            const room = s.rooms.get(hit.room_id)
            return (
              <li key={hit.id}>
                <button type="button" className="link" onClick={() => jump(hit)}>
                  <strong>{room ? roomTitle(s, room) : 'room'}</strong> · {displayName(s, hit.sender_id)}{' '}
                  <time>{timeOf(hit.created_at)}</time>
                  <br />
                  <Marked text={hit.snippet} ranges={hit.highlights} />
                </button>
              </li>
            )
          })}
          {hits.length === 0 && <li className="hint">No messages found.</li>}
        </ul>
      )}
    </div>
  )
}
