// Slow consumers (issue 9, seed 002): a client that stops reading in a big room under load is told to resync
// and dropped at the configured bound; the server's memory stays bounded, the other members get every
// message, and the REST recipe (`after: lastSeq`) gives the dropped client everything it missed.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import { inParallel, stall, waitFor } from '../helpers/slow-client'
import { RESYNC_EVENT, SLOW_CONSUMER, backpressureStats } from '../../src/realtime/backpressure'

const MAX_BUFFERED_BYTES = 1024 * 1024
const MEMBER_ROWS = 995
const MESSAGES = 2500
const BODY = 'x'.repeat(3000)
const MB = 1024 * 1024

// A room of MEMBER_ROWS + 5 members: a sender, a slow client, three fast ones (all on sockets) and member rows
// of active users who are not connected (their channels are empty, as for members offline).
const bigRoom = async (server: TestServer, open: TestClient[]) => {
  const { url, app } = server
  const { admin, orgId } = await createOrg(url)
  const slow = await addMember(url, admin)
  const fast = [await addMember(url, admin), await addMember(url, admin), await addMember(url, admin)]
  const rows = Array.from({ length: MEMBER_ROWS }, () => {
    const name = `bulk${crypto.randomBytes(6).toString('hex')}`
    return { org_id: orgId, email: `${name}@example.com`, username: name, name }
  })
  const bulk: Array<{ id: string }> = await app.get('postgresqlClient')('users').insert(rows).returning('id')
  const live = await Promise.all([admin, slow, ...fast].map((a) => clientFor(url, 'socketio', a)))
  open.push(...live)
  const [sender, slowClient, ...fastClients] = live
  const room = await sender.client
    .service('rooms')
    .create({ name: 'Big room', member_ids: [slow, ...fast, ...bulk].map((u) => u.id) })
  assert.equal(room.member_count, MEMBER_ROWS + 5)
  const send = (i: number) =>
    sender.client.service('messages').create({ room_id: room.id, body: `${i} ${BODY}` })
  return { slow, sender, slowClient, fastClients, room, send }
}

describe('faults: a slow consumer', function () {
  this.timeout(60000)
  let server: TestServer
  const open: TestClient[] = []
  before(async () => {
    server = await startServer({
      realtime: { maxBufferedBytes: MAX_BUFFERED_BYTES, maxBufferedPackets: 5000, slowConsumerCloseMs: 30000 }
    } as any)
  })
  after(async () => {
    open.forEach((tc) => tc.close())
    await server?.stop()
  })

  it('is told to resync and dropped at the bound; memory stays bounded and nobody else misses a message', async () => {
    const { url, app } = server
    const { slow, slowClient, fastClients, room, send } = await bigRoom(server, open)

    // What each live member receives, by seq (bodies are not kept: the test's own memory is measured too).
    const received = fastClients.map(() => new Set<number>())
    fastClients.forEach((tc, i) =>
      tc.client.service('messages').on('created', (m: any) => {
        if (m.room_id === room.id) received[i].add(Number(m.seq))
      })
    )
    let slowLastSeq = 0
    slowClient.client.service('messages').on('created', (m: any) => {
      if (m.room_id === room.id) slowLastSeq = Math.max(slowLastSeq, Number(m.seq))
    })
    const resyncs: any[] = []
    slowClient.socket!.on(RESYNC_EVENT, (payload: any) => resyncs.push(payload))
    const disconnected = new Promise<string>((resolve) => slowClient.socket!.once('disconnect', resolve))

    // A first few the slow client reads: its lastSeq for the recipe.
    for (let i = 0; i < 5; i++) await send(i)
    await waitFor(() => slowLastSeq === 5, 'the slow client to read the first messages')
    const lastSeq = slowLastSeq

    const stalled = stall(slowClient.socket!)
    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
    try {
      await inParallel(MESSAGES - 5, 8, async (i) => {
        await send(i + 5)
      })
      await waitFor(() => backpressureStats(app).disconnected >= 1, 'the slow client to be dropped')
      await waitFor(
        () => received.every((seqs) => seqs.size === MESSAGES),
        'every live member to receive every message'
      )
    } finally {
      clearInterval(sampler)
    }

    const stats = backpressureStats(app)
    // What one connection ever had queued: the bound plus at most one sweep's growth (unbounded, this run
    // queues ~4.5 MB: the 7.5 MB stream minus what the kernel's socket buffers hold).
    assert.ok(stats.maxBytesSeen < 2 * MAX_BUFFERED_BYTES, `queued ${stats.maxBytesSeen} bytes`)
    // A sanity bound on the whole process (server and clients share it): measured ~15 MB bounded, ~27 MB
    // unbounded; 64 MB leaves room for the garbage of a few thousand calls without flaking.
    const grown = (peak - baseline) / MB
    assert.ok(grown < 64, `RSS grew by ${grown.toFixed(1)} MB`)
    for (const seqs of received) assert.equal(seqs.size, MESSAGES)

    // Resumed, the client reads what was queued, then the notice and the server's disconnect.
    stalled.resume()
    assert.equal(await disconnected, 'io server disconnect')
    assert.deepEqual(resyncs, [{ reason: SLOW_CONSUMER }])

    // The recipe over REST: every message after lastSeq, page by page while has_more.
    const rest = await clientFor(url, 'rest', slow)
    const seqs: number[] = []
    for (let after = lastSeq, more = true; more;) {
      const page: any = await rest.client
        .service('messages')
        .find({ query: { room_id: room.id, after, limit: 100 } })
      seqs.push(...page.data.map((m: any) => Number(m.seq)))
      more = page.has_more
      if (page.data.length) after = Number(page.data[page.data.length - 1].seq)
    }
    assert.deepEqual(
      seqs,
      Array.from({ length: MESSAGES - lastSeq }, (_, i) => lastSeq + i + 1)
    )
  })

  it('that never reads again has its connection cut, freeing its queue', async () => {
    // A server of its own: a short close timeout, and a bound in packets this time.
    const quick = await startServer({
      realtime: { maxBufferedBytes: 64 * MB, maxBufferedPackets: 200, slowConsumerCloseMs: 200 }
    } as any)
    try {
      const { slowClient, send } = await bigRoom(quick, open)
      const conn = quick.app.io.of('/').sockets.get(slowClient.socket!.id!)!.conn
      const closed = new Promise<string>((resolve) => conn.once('close', resolve))
      stall(slowClient.socket!)
      let sent = 0
      // Until dropped (the kernel's buffers take a few MB first), in bounded parallel.
      await inParallel(8, 8, async () => {
        while (backpressureStats(quick.app).disconnected === 0 && sent < MESSAGES) await send(sent++)
      })
      assert.equal(backpressureStats(quick.app).disconnected, 1)
      assert.ok(backpressureStats(quick.app).maxPacketsSeen <= 400)
      // Never resumed: the connection is cut once the close timeout passes, and its write buffer dropped.
      assert.equal(await closed, 'forced close')
      assert.equal(conn.readyState, 'closed')
    } finally {
      await quick.stop()
    }
  })
})
