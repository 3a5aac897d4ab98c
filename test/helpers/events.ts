// Waiting for service events without sleeps; absence is proven by a later marker event arriving first. Every
// event recorded is validated against the event catalogue (src/realtime/events.ts): a payload that matches no
// schema of its name fails the running test (root-hooks.ts checks `invalidEvents` after each test).
import type { ClientApplication } from '../../src/client'
import { checkEvent } from './event-schemas'

export const invalidEvents: string[] = []

export interface Recorded {
  path: string
  event: string
  data: any
}

// Records every event of the given services on one client, in arrival order.
export const record = (
  client: ClientApplication,
  paths: string[],
  events = ['created', 'patched', 'removed']
) => {
  const seen: Recorded[] = []
  const waiters: Array<{ match: (r: Recorded) => boolean; resolve: (r: Recorded) => void }> = []
  const arrived = (entry: Recorded) => {
    seen.push(entry)
    for (const waiter of [...waiters]) {
      if (waiter.match(entry)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(entry)
      }
    }
  }
  for (const path of paths) {
    for (const event of events) {
      client.service(path as any).on(event, (payload: any) => {
        const problem = checkEvent(`${path} ${event}`, payload)
        if (problem) invalidEvents.push(problem)
        // Batched events (presence) carry an array of changes: each is recorded as its own entry.
        for (const data of Array.isArray(payload) ? payload : [payload]) arrived({ path, event, data })
      })
    }
  }
  // A socket's own send is not echoed back to it (its answer is the message): a client applies the answer as
  // it would the event. Records `message` as the 'created' event this client took from its answer.
  const answered = <T>(path: string, data: T) => {
    arrived({ path, event: 'created', data })
    return data
  }
  // Resolves with the first matching event, already seen or still to come; rejects after a bound.
  const waitFor = (match: (r: Recorded) => boolean, timeoutMs = 5000): Promise<Recorded> => {
    const done = seen.find(match)
    if (done) return Promise.resolve(done)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('event did not arrive in time')), timeoutMs)
      waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer)
          resolve(r)
        }
      })
    })
  }
  return { seen, waitFor, answered }
}
