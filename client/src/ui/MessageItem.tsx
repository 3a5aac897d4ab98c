// One message: sender, time, text (linkified, never HTML), edit and unsend for the sender, "seen by".
import { useState } from 'react'
import type { Message } from '../../../src/client'
import type { Attachment } from '../../../src/services/messages/messages.schema'
import { client, errorText } from '../api'
import { displayName, store } from '../store'
import type { Pending } from '../store'
import { discard, retry } from '../outbox'
import { Linkified, timeOf } from './text'

const UNSEND_WINDOW_MS = 60 * 60 * 1000

export const MessageItem = ({ m, mine, seenBy }: { m: Message; mine: boolean; seenBy: string[] }) => {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(m.body)
  const [error, setError] = useState<string | null>(null)
  const gone = !!(m.unsent_at || m.deleted_at)
  const act = (p: Promise<unknown>) => p.then(() => setError(null)).catch((e) => setError(errorText(e)))
  const save = () => {
    if (draft.trim() && draft !== m.body) act(client.service('messages').patch(m.id, { body: draft }))
    setEditing(false)
  }
  const recent = Date.now() - new Date(m.created_at as string).getTime() < UNSEND_WINDOW_MS
  return (
    <article
      className={`msg${mine ? ' mine' : ''}`}
      data-seq={m.seq}
      aria-label={`Message ${m.seq}`}
      tabIndex={-1}
    >
      <div className="meta">
        <strong>{displayName(store.state, m.sender_id)}</strong>
        <time dateTime={String(m.created_at)}>{timeOf(m.created_at)}</time>
        {m.edited_at && !gone && <span className="edited">(edited)</span>}
      </div>
      {gone ? (
        <p className="body placeholder">
          {m.unsent_at ? 'This message was unsent.' : 'This message was deleted.'}
        </p>
      ) : editing ? (
        <textarea
          aria-label="Edit message"
          autoFocus
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault()
              save()
            } else if (e.key === 'Escape') {
              e.stopPropagation()
              setEditing(false)
              setDraft(m.body)
            }
          }}
        />
      ) : (
        <>
          {m.body && (
            <p className="body">
              <Linkified text={m.body} />
            </p>
          )}
          <Files files={m.uploads ?? []} />
        </>
      )}
      {mine && !gone && !editing && (
        <div className="actions">
          <button type="button" className="small" onClick={() => setEditing(true)}>
            Edit
          </button>
          {recent && (
            <button
              type="button"
              className="small"
              onClick={() => act(client.service('messages').patch(m.id, { unsent: true }))}
            >
              Unsend
            </button>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {seenBy.length > 0 && <p className="seen">Seen by {seenBy.join(', ')}</p>}
    </article>
  )
}

// Images are previewed (the signed URL serves them inline); other files are a download link.
const Files = ({ files }: { files: Attachment[] }) =>
  files.length === 0 ? null : (
    <div className="files">
      {files.map((f) =>
        f.content_type.startsWith('image/') ? (
          <a key={f.id} href={f.url} target="_blank" rel="noopener noreferrer">
            <img src={f.url} alt={f.filename} loading="lazy" />
          </a>
        ) : (
          <a key={f.id} href={f.url} download={f.filename} rel="noopener noreferrer">
            {`Download ${f.filename} (${Math.ceil(f.size / 1024)} KB)`}
          </a>
        )
      )}
    </div>
  )

export const PendingItem = ({ p }: { p: Pending }) => (
  <article
    className={`msg mine ${p.status}`}
    aria-label={p.status === 'failed' ? 'Failed message' : 'Pending message'}
  >
    <div className="meta">
      <strong>{displayName(store.state, store.state.me?.id)}</strong>
      <span className="status">
        {p.status === 'failed' ? `Not sent: ${p.error ?? 'refused'}` : 'Sending…'}
      </span>
    </div>
    <p className="body">
      <Linkified text={p.body} />
      {p.upload_ids?.length ? ` (${p.upload_ids.length} file${p.upload_ids.length > 1 ? 's' : ''})` : ''}
    </p>
    {p.status === 'failed' && (
      <div className="actions">
        <button type="button" className="small" onClick={() => retry(p)}>
          Retry
        </button>
        <button type="button" className="small" onClick={() => discard(p)}>
          Discard
        </button>
      </div>
    )}
  </article>
)
