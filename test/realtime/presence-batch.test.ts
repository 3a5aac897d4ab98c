// Presence transitions are batched per org: many users coming online at once reach each member as one
// `presence patched` event carrying all of them (a reconnect storm costs one write per member, not N).
import assert from 'node:assert/strict'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'

describe('realtime presence batching', () => {
  let server: TestServer
  const open: TestClient[] = []
  before(async () => {
    // A wide window, so that all the logins below fall into it however slow the machine is.
    server = await startServer({
      redisUrl: '',
      presence: { ttlMs: 60000, sweepMs: 5000, batchMs: 2000 }
    } as any)
  })
  after(async () => {
    open.forEach((tc) => tc.close())
    await server.stop()
  })

  it('sends one event with every transition of the window, in order', async () => {
    const { admin } = await createOrg(server.url)
    const members = await Promise.all([1, 2, 3, 4, 5].map(() => addMember(server.url, admin)))
    const watcher = await clientFor(server.url, 'socketio', admin)
    open.push(watcher)
    const payloads: any[] = []
    const everyone = new Promise<void>((resolve) => {
      watcher.client.service('presence').on('patched', (payload: any) => {
        payloads.push(payload)
        const online = new Set(
          payloads
            .flat()
            .filter((p) => p.status === 'online')
            .map((p) => p.user_id)
        )
        if (members.every((m) => online.has(m.id))) resolve()
      })
    })
    const clients = await Promise.all(members.map((m) => clientFor(server.url, 'socketio', m)))
    open.push(...clients)
    await everyone
    assert.ok(payloads.every(Array.isArray), 'presence payloads are arrays')
    // Five logins inside one 2 s window: one event (two if the logins straddled a window's end).
    assert.ok(payloads.length <= 2, `expected batched events, got ${payloads.length}`)
    assert.equal(payloads.flat().length >= 5, true)
  })
})
