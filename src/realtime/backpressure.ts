// Slow consumers: a socket that stops reading must not grow the server's memory without bound (issue 9).
// A sweep of this process's sockets measures what is queued for each; past the bound the socket is told to
// resynchronize over REST (`resync`, best effort) and disconnected, so its queue stops growing at once.
import type { Server, Socket } from 'socket.io'
import type { Application } from '../declarations'
import { logger } from '../logger'
import { RESYNC_EVENT } from './sockets'

// The per-socket control event `resync` (not a service event, shared with the Redis adapter's loss notice):
// "you missed deliveries, catch up over REST"; this reason says the socket was dropped for not reading.
export { RESYNC_EVENT }
export const SLOW_CONSUMER = 'slow_consumer'

export interface BackpressureSettings {
  // Bytes queued for one connection (engine.io write buffer + the websocket's unsent bytes).
  maxBufferedBytes: number
  // Packets waiting in engine.io's write buffer for one connection.
  maxBufferedPackets: number
  // How often the sockets of this process are measured.
  sweepMs: number
  // How long a dropped connection may take to flush its queue and the disconnect before it is cut.
  closeTimeoutMs: number
}

export const backpressureSettings = (app: Application): BackpressureSettings => {
  const realtime = (app.get('realtime' as any) as any) ?? {}
  return {
    maxBufferedBytes: realtime.maxBufferedBytes ?? 4 * 1024 * 1024,
    maxBufferedPackets: realtime.maxBufferedPackets ?? 10000,
    sweepMs: realtime.backpressureSweepMs ?? 100,
    closeTimeoutMs: realtime.slowConsumerCloseMs ?? 10000
  }
}

export interface BackpressureStats {
  // Sockets disconnected as slow consumers by this process.
  disconnected: number
  // The largest queue measured on one connection (what the bound actually allowed).
  maxBytesSeen: number
  maxPacketsSeen: number
}

const statsByApp = new WeakMap<object, BackpressureStats>()

export const backpressureStats = (app: Application): BackpressureStats => {
  let stats = statsByApp.get(app)
  if (!stats) {
    stats = { disconnected: 0, maxBytesSeen: 0, maxPacketsSeen: 0 }
    statsByApp.set(app, stats)
  }
  return stats
}

const sizeOf = (data: unknown): number => {
  if (typeof data === 'string') return data.length
  if (data && typeof (data as ArrayBufferLike).byteLength === 'number')
    return (data as ArrayBufferLike).byteLength
  return 0
}

// What is queued for one connection. O(1) when nothing waits (the normal case); the write buffer is only
// walked while it holds packets, and never further than the byte bound.
export const queuedFor = (socket: Socket, byteLimit = Infinity) => {
  const conn: any = socket.conn
  const buffer: any[] = conn?.writeBuffer ?? []
  const ws = conn?.transport?.socket
  let bytes = typeof ws?.bufferedAmount === 'number' ? ws.bufferedAmount : (ws?._socket?.writableLength ?? 0)
  for (let i = 0; i < buffer.length && bytes <= byteLimit; i++) bytes += sizeOf(buffer[i]?.data)
  return { bytes, packets: buffer.length }
}

const dropSlowConsumer = (
  app: Application,
  socket: Socket,
  queued: { bytes: number; packets: number },
  settings: BackpressureSettings
) => {
  const stats = backpressureStats(app)
  stats.disconnected++
  logger.warn(
    { socketId: socket.id, userId: socket.data?.userId, ...queued, reason: SLOW_CONSUMER },
    'slow consumer disconnected'
  )
  const conn: any = socket.conn
  const ws = conn?.transport?.socket
  // Best effort: queued behind what the client has not read, so it arrives only if the client resumes. The
  // socket leaves its rooms at once; the disconnect packet goes out after the queue, then the transport closes.
  socket.emit(RESYNC_EVENT, { reason: SLOW_CONSUMER })
  socket.disconnect(true)
  // A client that never reads again: cut the connection so its queue is freed now, not at the ping timeout.
  const cut = setTimeout(() => {
    if (conn?.readyState === 'closed') return
    conn?.close(true)
    ws?.terminate?.()
  }, settings.closeTimeoutMs)
  cut.unref?.()
  conn?.once?.('close', () => clearTimeout(cut))
}

export const watchBackpressure = (app: Application) => (io: Server) => {
  const settings = backpressureSettings(app)
  const stats = backpressureStats(app)
  const sweep = () => {
    for (const socket of io.of('/').sockets.values()) {
      if (!socket.connected) continue
      const queued = queuedFor(socket, settings.maxBufferedBytes)
      if (queued.bytes > stats.maxBytesSeen) stats.maxBytesSeen = queued.bytes
      if (queued.packets > stats.maxPacketsSeen) stats.maxPacketsSeen = queued.packets
      if (queued.bytes > settings.maxBufferedBytes || queued.packets > settings.maxBufferedPackets)
        dropSlowConsumer(app, socket, queued, settings)
    }
  }
  const timer = setInterval(sweep, settings.sweepMs)
  timer.unref?.()
  io.httpServer?.once('close', () => clearInterval(timer))
}
