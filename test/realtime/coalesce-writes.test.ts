// Frames queued for one websocket in one event-loop turn leave in one socket write, in order; frames of later
// turns are not held back (src/realtime/coalesce-writes.ts).
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { connect } from '../helpers/clients'
import type { TestClient } from '../helpers/clients'

describe('realtime: socket writes coalesced per event-loop turn', () => {
  let tc: TestClient
  before(async () => {
    tc = await connect(sharedServer().url, 'socketio')
  })
  after(() => tc.close())

  // The server side of the test client's connection, and a count of the system-level writes on its TCP socket.
  const serverSide = () => {
    const socket = sharedServer().app.io!.of('/').sockets.get(tc.socket!.id!)
    assert.ok(socket, 'the server holds the connection')
    const raw = (socket.conn as any).transport.socket._socket
    const writes = { calls: 0 }
    for (const method of ['_writev', '_write'] as const) {
      const original = raw[method]
      raw[method] = function (...args: unknown[]) {
        writes.calls++
        return original.apply(this, args)
      }
    }
    return { socket, writes }
  }

  const received = (count: number) =>
    new Promise<number[]>((resolve) => {
      const got: number[] = []
      const on = (n: number) => {
        got.push(n)
        if (got.length === count) {
          tc.socket!.off('coalesce-test', on)
          resolve(got)
        }
      }
      tc.socket!.on('coalesce-test', on)
    })

  it('sends five events of one turn in one write, in order', async () => {
    const { socket, writes } = serverSide()
    const arrived = received(5)
    for (let n = 1; n <= 5; n++) socket.emit('coalesce-test', n)
    assert.deepEqual(await arrived, [1, 2, 3, 4, 5])
    assert.equal(writes.calls, 1)
  })

  it('sends an event of a later turn in a write of its own', async () => {
    const { socket, writes } = serverSide()
    const arrived = received(2)
    socket.emit('coalesce-test', 1)
    setImmediate(() => setImmediate(() => socket.emit('coalesce-test', 2)))
    assert.deepEqual(await arrived, [1, 2])
    assert.equal(writes.calls, 2)
  })
})
