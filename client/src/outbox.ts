// Sending: every message carries a client_msg_id, so a retry after a lost answer is never a duplicate;
// unanswered sends stay pending (kept across reloads) and go again on reconnect, refused ones are failed.
import { client, errorText, isTransient } from './api'
import { store } from './store'
import type { Pending } from './store'
import { receiveMessage } from './sync'

const PENDING_KEY = 'chatboard-pending'

const savePending = () => {
  const me = store.state.me?.id
  if (me) localStorage.setItem(`${PENDING_KEY}-${me}`, JSON.stringify(store.state.pending))
}

export const restorePending = () => {
  const me = store.state.me?.id
  if (!me) return
  try {
    const saved = JSON.parse(localStorage.getItem(`${PENDING_KEY}-${me}`) ?? '[]') as Pending[]
    store.update((s) => {
      s.pending = saved
    })
  } catch {
    // A corrupt entry is dropped.
  }
}

const deliver = async (p: Pending) => {
  try {
    const m = await client.service('messages').create({
      room_id: p.room_id,
      body: p.body,
      client_msg_id: p.client_msg_id,
      client_sent_at: p.client_sent_at,
      ...(p.upload_ids?.length ? { upload_ids: p.upload_ids } : {})
    })
    store.update((s) => receiveMessage(s, m))
  } catch (e) {
    // Unanswered: stays pending and goes again on reconnect. Refused: failed, with a retry button.
    if (!isTransient(e)) {
      store.update(() => {
        p.status = 'failed'
        p.error = errorText(e)
      })
    }
  }
  savePending()
}

export const send = (roomId: string, body: string, uploadIds: string[] = []) => {
  const p: Pending = {
    client_msg_id: crypto.randomUUID(),
    room_id: roomId,
    body,
    ...(uploadIds.length ? { upload_ids: uploadIds } : {}),
    client_sent_at: new Date().toISOString(),
    status: 'pending'
  }
  store.update((s) => {
    s.pending = [...s.pending, p]
  })
  savePending()
  if (store.state.conn === 'online') void deliver(p)
}

export const retry = (p: Pending) => {
  store.update(() => {
    p.status = 'pending'
    p.error = undefined
  })
  if (store.state.conn === 'online') void deliver(p)
}

export const discard = (p: Pending) => {
  store.update((s) => {
    s.pending = s.pending.filter((x) => x !== p)
  })
  savePending()
}

export const flushPending = async () => {
  for (const p of store.state.pending.filter((x) => x.status === 'pending')) await deliver(p)
}
