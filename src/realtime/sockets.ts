// Socket.IO set-up: remembers each Feathers connection's socket, records the client IP, and uses the Redis
// adapter when configured so channels (Socket.IO rooms) and broadcasts span every server process, and tells
// local sockets to resynchronize when the adapter lost messages.
import type { Server, Socket } from 'socket.io'
import type Redis from 'ioredis'
import { createAdapter } from '@socket.io/redis-adapter'
import type { Application } from '../declarations'
import { deploymentKey } from './deployment-key'
import { clientIp } from '../client-ip'
import { watchRedis } from '../redis'
import { logger } from '../logger'
import { redisAdapterErrors } from '../metrics'
import { coalesceSocketWrites } from './coalesce-writes'
import { adapterParser } from './adapter-parser'

const sockets = new WeakMap<object, Socket>()

export const socketOf = (connection: unknown): Socket | undefined =>
  connection && typeof connection === 'object' ? sockets.get(connection) : undefined

// Broadcasts through the Redis adapter are fire-and-forget: while its publishing or subscribing connection is
// down, events from or to other processes are dropped. Once it is back, every socket on this process is told
// `resync` ({ reason: 'adapter_reconnected' }), a per-socket control event (not a service event): the client
// runs the catch-up recipe (for each room, the messages after its last contiguous seq).
export const RESYNC_EVENT = 'resync'

// One notice per outage: sent once every adapter client is ready again after any of them lost its connection.
const resyncAfterLoss = (io: Server, clients: Redis[]) => {
  let lost = false
  for (const client of clients) {
    client.on('close', () => (lost = true))
    client.on('ready', () => {
      if (!lost || clients.some((c) => c.status !== 'ready')) return
      lost = false
      logger.warn(
        { sockets: io.of('/').sockets.size },
        'redis adapter reconnected: telling local sockets to resync'
      )
      io.local.emit(RESYNC_EVENT, { reason: 'adapter_reconnected' })
    })
  }
}

export const configureSockets = (app: Application) => (io: Server) => {
  coalesceSocketWrites()
  const redis = app.get('redis')
  if (redis) {
    const pub = watchRedis(redis.duplicate(), 'adapter-pub')
    const sub = watchRedis(redis.duplicate(), 'adapter-sub')
    // Every error event (each failed reconnect too), not once per outage like the log.
    for (const client of [pub, sub]) client.on('error', () => redisAdapterErrors.inc())
    const parser = adapterParser()
    const redisAdapter = createAdapter(pub, sub, { key: `socket.io:${deploymentKey(app)}`, parser })
    // Socket.IO makes each namespace's adapter with `new`; a factory that returns the adapter works the same,
    // and tells the parser its uid (adapter-parser.ts: this process's own broadcasts are not decoded).
    io.adapter(function (nsp: any) {
      const adapter = new (redisAdapter as any)(nsp)
      parser.own.add(adapter.uid)
      return adapter
    } as any)
    app.set('redisAdapterClients' as any, [pub, sub])
    resyncAfterLoss(io, [pub, sub])
  }
  // Memory per idle connection: all we read from the upgrade request is in socket.handshake by the time the
  // socket connects, so the connection's reference goes (socket.io's memory-usage guide: "discard the initial
  // HTTP request"). engine.io 6.6 still holds the request through a close listener of its upgrade response;
  // its headers are socket.handshake's too, so that costs little (bench/RESULTS.md, session 5).
  io.on('connection', (socket) => {
    ;(socket.conn as any).request = null
  })
  io.use((socket, next) => {
    const connection = (socket as any).feathers
    sockets.set(connection, socket)
    // The handshake's headers and peer, read by the same rule as Koa's ctx.ip (TRUST_PROXY honoured).
    connection.ip = clientIp(app, socket.handshake.headers, socket.handshake.address)
    next()
  })
}
