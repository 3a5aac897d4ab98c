// Shared by the verify_action suites: the services whose events are counted, counting by name, waiting out
// background work, and the devices' windows: what each device received between an action and a marker message
// that all of them receive afterwards (one process delivers a socket's events in order).
import type { ClientApplication } from '../../src/client'
import { notificationsSettled } from '../../src/notifications'
import { outboxSettled } from '../../src/outbox'
import { events, wireName } from '../../src/realtime/events'
import { sharedServer } from '../helpers/server'
import { record } from '../helpers/events'
import type { Recorded } from '../helpers/events'

// Every service with an event in the catalogue, but presence (it follows connections, not actions).
export const PATHS = [...new Set(Object.keys(events).map((key) => wireName(key).split(' ')[0]))].filter(
  (path) => path !== 'presence'
)

export const countsOf = (recorded: Recorded[]) => {
  const counts: Record<string, number> = {}
  for (const { path, event } of recorded) counts[`${path} ${event}`] = (counts[`${path} ${event}`] ?? 0) + 1
  return counts
}

// Background work of earlier calls (notification triggers, the outbox) must not land inside a window.
export const quiesce = async () => {
  const { app } = sharedServer()
  await notificationsSettled(app)
  await outboxSettled(app)
  await notificationsSettled(app)
}

// Connects and records every device; `act` runs an action, waits out its background work, sends the marker
// and answers each device's events in between.
export const watchDevices = async <D extends string>(
  devices: readonly D[],
  open: (device: D, index: number) => Promise<ClientApplication>,
  sendMarker: () => Promise<{ id: string }>
) => {
  const on = {} as Record<D, ClientApplication>
  const recorders = {} as Record<D, ReturnType<typeof record>>
  for (const [i, name] of devices.entries()) {
    on[name] = await open(name, i)
    recorders[name] = record(on[name], PATHS)
  }
  const act = async <T>(action: () => Promise<T>) => {
    const starts = devices.map((name) => recorders[name].seen.length)
    const result = await action()
    await quiesce()
    const marker = await sendMarker()
    const windows = {} as Record<D, Recorded[]>
    for (const [i, name] of devices.entries()) {
      const { seen, waitFor } = recorders[name]
      const end = await waitFor((r) => r.path === 'messages' && r.data.id === marker.id)
      windows[name] = seen.slice(starts[i], seen.indexOf(end))
    }
    return { result, windows }
  }
  return { on, act }
}
