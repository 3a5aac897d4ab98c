// Socket.IO set-up: remembers each Feathers connection's socket, records the client IP, and uses the Redis
// adapter when configured so channels (Socket.IO rooms) and broadcasts span every server process.
import type { Server, Socket } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import type { Application } from '../declarations'
import { deploymentKey } from './deployment-key'
import { clientIp } from '../client-ip'

const sockets = new WeakMap<object, Socket>()

export const socketOf = (connection: unknown): Socket | undefined =>
  connection && typeof connection === 'object' ? sockets.get(connection) : undefined

export const configureSockets = (app: Application) => (io: Server) => {
  const redis = app.get('redis')
  if (redis) {
    const pub = redis.duplicate()
    const sub = redis.duplicate()
    io.adapter(createAdapter(pub, sub, { key: `socket.io:${deploymentKey(app)}` }))
    app.set('redisAdapterClients' as any, [pub, sub])
  }
  io.use((socket, next) => {
    const connection = (socket as any).feathers
    sockets.set(connection, socket)
    // The handshake's headers and peer, read by the same rule as Koa's ctx.ip (TRUST_PROXY honoured).
    connection.ip = clientIp(app, socket.handshake.headers, socket.handshake.address)
    next()
  })
}
