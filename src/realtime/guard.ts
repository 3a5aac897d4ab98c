// Socket-level protections: the handshake's Origin (websocket and polling), new connections per IP, closing
// sockets that never authenticate, and an answer (405) to any call no service handles instead of silence.
import type { IncomingMessage } from 'node:http'
import type { Server, Socket } from 'socket.io'
import { MethodNotAllowed, NotFound } from '@feathersjs/errors'
import { RateLimiterRes } from 'rate-limiter-flexible'
import type { Application } from '../declarations'
import { clientIp } from '../client-ip'
import { limitName, tooMany } from '../rate-limits'
import {
  rateLimitRejections,
  socketConnectionsClosed,
  socketConnectionsOpen,
  socketConnectionsOpened
} from '../metrics'
import { logger } from '../logger'
import { PROTOTYPE_NAMES } from '../middleware/error-handler'

// engine.io's allowRequest runs for every new engine connection, polling handshakes and direct websocket
// upgrades alike. Browsers always send Origin on these; non-browser clients usually don't and stay allowed.
export const allowOrigin =
  (app: Application) =>
  (req: IncomingMessage, callback: (err: string | null | undefined, ok: boolean) => void) => {
    const origin = req.headers.origin
    if (!origin || app.get('origins').includes(origin)) return callback(null, true)
    callback('Origin not allowed', false)
  }

const refusal = (message: string, data: Record<string, unknown>) =>
  Object.assign(new Error(message), { data })

export const guardSockets = (app: Application) => (io: Server) => {
  io.use((socket, next) => {
    const ip = clientIp(app, socket.handshake.headers, socket.handshake.address)
    app
      .get('limiters')
      .socketConnections.consume(ip || 'unknown')
      .then(() => next())
      .catch((error) => {
        if (!(error instanceof RateLimiterRes)) {
          // The limiter's store failed (its memory insurance too): let the client in rather than lock all out.
          logger.warn({ err: error }, 'socket connection limiter failed')
          return next()
        }
        rateLimitRejections.inc({ limit: limitName(app.get('limiters').socketConnections) })
        const { message, data } = tooMany(error.msBeforeNext, 'connections from this address')
        next(refusal(message, data))
      })
  })

  io.on('connection', (socket: Socket) => {
    socketConnectionsOpened.inc()
    socketConnectionsOpen.inc()
    socket.once('disconnect', () => {
      socketConnectionsClosed.inc()
      socketConnectionsOpen.dec()
    })
    const connection = (socket as any).feathers ?? {}
    const timeout = app.get('sockets').authTimeoutMs
    const timer = setTimeout(() => {
      if (!connection.authentication && socket.connected) socket.disconnect(true)
    }, timeout)
    timer.unref()
    socket.once('disconnect', () => clearTimeout(timer))

    // A service path named like an Object.prototype member crashes Feathers' router lookup: answer 404 first.
    socket.use((packet, next) => {
      const [, path] = packet
      const ack = packet[packet.length - 1]
      const segments = typeof path === 'string' ? path.split('/') : []
      if (!segments.some((segment) => PROTOTYPE_NAMES.has(segment))) return next()
      if (typeof ack === 'function') {
        ack(new NotFound(`Service '${String(path).slice(0, 64)}' not found`, { code: 'not_found' }).toJSON())
      }
    })

    // Feathers listens only for methods some service exposes; anything else would never be answered.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1]
      if (socket.listeners(event).length === 0 && typeof ack === 'function') {
        const path = typeof args[0] === 'string' ? args[0].slice(0, 64) : ''
        ack(
          new MethodNotAllowed(`Method '${String(event).slice(0, 32)}' not allowed on service '${path}'`, {
            code: 'method_not_allowed'
          }).toJSON()
        )
      }
    })
  })
}
