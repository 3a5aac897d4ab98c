// Shared by the panels: run an action and show its error; open (or create) the DM with someone.
import { useState } from 'react'
import { client, errorText } from '../api'
import { store } from '../store'

export const useAction = () => {
  const [error, setError] = useState<string | null>(null)
  const run = async (action: () => Promise<unknown>) => {
    setError(null)
    try {
      await action()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    }
  }
  const shown = error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null
  return { run, shown }
}

export const openDm = async (userId: string, onOpenRoom: (id: string) => void) => {
  const room = await client.service('rooms').create({ kind: 'dm', user_id: userId } as any)
  const full = await client.service('rooms').get(room.id)
  store.update((s) => void s.rooms.set(full.id, full))
  onOpenRoom(full.id)
}
