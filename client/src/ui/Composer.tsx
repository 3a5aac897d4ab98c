// The message box: Enter sends, Shift+Enter is a new line; typing is announced at most every 3 s.
import { useRef, useState } from 'react'
import { client } from '../api'
import { store } from '../store'
import { send } from '../outbox'

export const Composer = ({ roomId, disabled }: { roomId: string; disabled: boolean }) => {
  const [text, setText] = useState('')
  const lastTyping = useRef(0)
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
  const submit = () => {
    const body = text.trim()
    if (!body) return
    send(roomId, body)
    setText('')
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
      <button type="submit" className="primary" disabled={disabled}>
        Send
      </button>
    </form>
  )
}
