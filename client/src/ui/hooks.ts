// React bindings for the store and the session phase.
import { useEffect, useState, useSyncExternalStore } from 'react'
import { store } from '../store'
import { getPhase, subscribePhase } from '../session'

export const useStore = () => {
  useSyncExternalStore(store.subscribe, store.getVersion)
  return store.state
}

export const usePhase = () => useSyncExternalStore(subscribePhase, getPhase)

// Re-renders every `ms` while mounted (typing indicators expire by the clock, not by an event).
export const useTick = (ms: number) => {
  const [, setTick] = useState(0)
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), ms)
    return () => clearInterval(id)
  }, [ms])
}
