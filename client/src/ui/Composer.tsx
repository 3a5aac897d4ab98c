// The message box: Enter sends, Shift+Enter is a new line; typing is announced at most every 3 s; files attach.
import { useRef, useState } from 'react'
import { client, errorText } from '../api'
import { store } from '../store'
import { send } from '../outbox'
import { uploadFile } from '../uploads'
import type { Attaching } from '../uploads'

export const Composer = ({ roomId, disabled }: { roomId: string; disabled: boolean }) => {
  const [text, setText] = useState('')
  const [files, setFiles] = useState<Attaching[]>([])
  const lastTyping = useRef(0)
  const fileInput = useRef<HTMLInputElement>(null)
  const typing = (stopped = false) => {
    if (store.state.conn !== 'online') return
    const now = Date.now()
    if (!stopped && now - lastTyping.current < 3000) return
    lastTyping.current = stopped ? 0 : now
    client
      .service('typing')
      .create({ room_id: roomId, ...(stopped ? { stopped: true } : {}) } as any)
      .catch(() => {})
  }
  const change = (key: string, patch: Partial<Attaching>) =>
    setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...patch } : f)))
  const attach = (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      const key = crypto.randomUUID()
      setFiles((all) => [...all, { key, filename: file.name, progress: 0, status: 'uploading' }])
      uploadFile(
        file,
        (progress) => change(key, { progress }),
        () => change(key, { progress: 1, status: 'checking' })
      )
        .then((id) => change(key, { id, status: 'ready' }))
        .catch((e) => change(key, { status: 'failed', error: errorText(e) }))
    }
    if (fileInput.current) fileInput.current.value = ''
  }
  const busy = files.some((f) => f.status === 'uploading' || f.status === 'checking')
  const submit = () => {
    const body = text.trim()
    const ids = files.filter((f) => f.status === 'ready').map((f) => f.id as string)
    if (busy || (!body && ids.length === 0)) return
    send(roomId, body, ids)
    setText('')
    setFiles([])
    if (lastTyping.current) typing(true)
  }
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      {files.length > 0 && (
        <ul className="attachments" aria-label="Attachments">
          {files.map((f) => (
            <li key={f.key}>
              <span>{f.filename}</span>{' '}
              {f.status === 'uploading' && (
                <progress aria-label={`Uploading ${f.filename}`} max={1} value={f.progress} />
              )}
              {f.status === 'checking' && <span className="status">Checking…</span>}
              {f.status === 'ready' && <span className="status">Ready</span>}
              {f.status === 'failed' && (
                <span role="alert" className="error">
                  {f.error}
                </span>
              )}{' '}
              <button
                type="button"
                className="small"
                aria-label={`Remove ${f.filename}`}
                onClick={() => setFiles((all) => all.filter((x) => x.key !== f.key))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="attach button small" aria-disabled={disabled}>
        <span>Attach</span>
        <input
          ref={fileInput}
          type="file"
          aria-label="Attach file"
          multiple
          disabled={disabled}
          className="visually-hidden"
          onChange={(e) => attach(e.target.files)}
        />
      </label>
      <textarea
        aria-label="Message"
        placeholder={disabled ? 'This room is archived' : 'Write a message'}
        disabled={disabled}
        rows={1}
        value={text}
        onChange={(e) => {
          setText(e.target.value)
          if (e.target.value) typing()
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault()
            submit()
          }
        }}
      />
      <button type="submit" className="primary" disabled={disabled || busy}>
        Send
      </button>
    </form>
  )
}
