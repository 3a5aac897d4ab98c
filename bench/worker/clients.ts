// The worker's bench users as typed ChatBoard clients (src/client.ts createClient), over Socket.IO through
// @feathersjs/socketio-client or over REST, logged in with email and password like an app would.
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import rest from '@feathersjs/rest-client'
import { MemoryStorage } from '@feathersjs/authentication-client'
import { createClient } from '../../src/client'
import type { ClientApplication, Message } from '../../src/client'
import type { ConnectArgs, ConnectResult, WorkerUser } from '../lib/protocol'

export interface BenchClient {
  user: WorkerUser
  app: ClientApplication
  socket?: Socket
  inflight: number
  counter: number
  known: Map<string, number> // room -> last seq this client has seen
}

export const clients: BenchClient[] = []

// Disconnects the bench did not ask for (server restart, kicked socket, ping timeout), by reason.
export const disconnects: Record<string, number> = {}
const intended = new WeakSet<Socket>()
export const closeIntended = (socket: Socket) => {
  intended.add(socket)
  socket.disconnect()
}

// Every `messages created` event a client receives goes through these (traffic accounting, catch-up).
export type CreatedListener = (client: BenchClient, message: Message, receivedAt: bigint) => void
export const createdListeners: CreatedListener[] = []

export const errorName = (error: any) => error?.data?.code ?? error?.name ?? error?.code ?? 'Error'

export const withTimeout = <T>(promise: Promise<T>, ms: number, what = 'timeout'): Promise<T> => {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(what), { name: what })), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

// Runs `task` over `items` with at most `limit` at a time.
export const eachLimited = async <T>(items: T[], limit: number, task: (item: T) => Promise<void>) => {
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++])
  })
  await Promise.all(lanes)
}

const openSocket = (url: string) =>
  new Promise<Socket>((resolve, reject) => {
    // No automatic reconnection: scenarios decide when a client drops and comes back.
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', (error) => {
      socket.close()
      reject(error)
    })
  })

const connectOne = async (user: WorkerUser, args: ConnectArgs): Promise<BenchClient> => {
  const socket = args.transport === 'socketio' ? await openSocket(user.url) : undefined
  // A storage per client: the default is ONE module-level MemoryStorage shared by every client of the
  // process, so re-authentication after a reconnect would use whichever user logged in last.
  const app = createClient(socket ? socketio(socket) : rest(user.url).fetch(fetch), {
    storage: new MemoryStorage()
  })
  const client: BenchClient = { user, app, socket, inflight: 0, counter: 0, known: new Map() }
  socket?.on('disconnect', (reason) => {
    if (intended.has(socket)) return
    disconnects[reason] = (disconnects[reason] ?? 0) + 1
  })
  socket?.on('connect', () => intended.delete(socket))
  try {
    await withTimeout(
      app.authenticate({ strategy: 'local', email: user.email, password: user.password }),
      30_000
    )
    if (args.listen && socket) {
      app.service('messages').on('created', (message: Message) => {
        const at = process.hrtime.bigint()
        for (const listener of createdListeners) listener(client, message, at)
      })
    }
    if (args.initialSync) {
      const page = await withTimeout(app.service('rooms').find({ query: { $limit: 100 } }), 30_000)
      for (const room of page.data) client.known.set(room.id, room.last_seq)
    }
  } catch (error) {
    if (socket) closeIntended(socket)
    throw error
  }
  return client
}

export const connectAll = async (args: ConnectArgs): Promise<ConnectResult> => {
  const started = performance.now()
  const errors: string[] = []
  let failed = 0
  let connected = 0
  await eachLimited(args.users, args.concurrency, async (user) => {
    try {
      clients.push(await connectOne(user, args))
      connected++
    } catch (error: any) {
      failed++
      if (errors.length < 5) errors.push(`${user.email}: ${errorName(error)} ${error?.message ?? ''}`)
    }
  })
  clients.sort((a, b) => a.user.idx - b.user.idx)
  return { connected, failed, errors, ms: Math.round(performance.now() - started) }
}

// Closing without logout: the session stays valid (as when an app is killed); nothing waits on the server.
export const closeAll = () => {
  for (const client of clients) if (client.socket) closeIntended(client.socket)
  clients.length = 0
}
