// The Redis adapter's codec: this process's own broadcasts, handed back by Redis, are recognised without being
// decoded; every other process's broadcast, and every request or response, is decoded as msgpack always was.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import Redis from 'ioredis'
import * as msgpack from 'notepack.io'
import { Server } from 'socket.io'
import { adapterParser } from '../../src/realtime/adapter-parser'
import { configureSockets } from '../../src/realtime/sockets'

const REDIS_URL = 'redis://127.0.0.1:6379/3'

describe('realtime: the Redis adapter codec', () => {
  it('answers only the uid for a broadcast of its own, and decodes everything else in full', () => {
    const parser = adapterParser()
    parser.own.add('AbC123')
    const packet = { type: 2, data: ['messages created', { body: 'héllo', seq: 7 }], nsp: '/' }
    const opts = { rooms: ['room:1'], except: ['user:2'], flags: {} }
    assert.deepEqual(parser.decode(parser.encode(['AbC123', packet, opts])), ['AbC123'])
    assert.deepEqual(parser.decode(parser.encode(['ZzZ999', packet, opts])), ['ZzZ999', packet, opts])
    const request = { uid: 'AbC123', requestId: 'r1', type: 3, opts }
    assert.deepEqual(parser.decode(parser.encode(request)), request)
    // The same bytes as the adapter's default codec, both ways.
    assert.deepEqual(parser.encode(['x', packet, opts]), msgpack.encode(['x', packet, opts]))
  })

  it('skips decoding its own broadcast when Redis hands it back; another process decodes it', async function () {
    this.timeout(10000)
    const clients: Redis[] = []
    const settings: Record<string, unknown> = {
      database: { url: `postgres://127.0.0.1/adapter_parser_${randomUUID().slice(0, 8)}` }
    }
    const servers = [new Server(), new Server()]
    try {
      for (const io of servers) {
        const redis = new Redis(REDIS_URL)
        clients.push(redis)
        const app = {
          get: (name: string) => (name === 'redis' ? redis : settings[name]),
          set: (name: string, value: any) => {
            if (name === 'redisAdapterClients') clients.push(...value)
          }
        }
        configureSockets(app as any)(io)
      }
      const [mine, theirs] = servers.map((io) => io.of('/').adapter as any)
      assert.ok(mine.parser.own.has(mine.uid), 'the adapter told the codec its uid')
      assert.ok(!mine.parser.own.has(theirs.uid), 'each process knows only its own')
      const decoded = (adapter: any) =>
        new Promise<unknown[]>((resolve) => {
          const decode = adapter.parser.decode
          adapter.parser.decode = (message: Buffer) => {
            const value = decode(message)
            if (Array.isArray(value)) resolve(value)
            return value
          }
        })
      await Promise.all(
        clients.map((c) => (c.status === 'ready' ? null : new Promise((r) => c.once('ready', r))))
      )
      const [echo, received] = [decoded(mine), decoded(theirs)]
      servers[0].emit('probe', { n: 1 })
      assert.deepEqual(await echo, [mine.uid])
      const [uid, packet] = await received
      assert.equal(uid, mine.uid)
      assert.deepEqual((packet as any).data, ['probe', { n: 1 }])
    } finally {
      for (const io of servers) io.close()
      for (const client of clients) client.disconnect()
    }
  })
})
