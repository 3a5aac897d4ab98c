// A client that stops reading: pauses the raw TCP socket under a socket.io-client websocket, so the kernel
// buffers fill and the server has to queue what it sends (slow-consumer tests).
import type { Socket as NetSocket } from 'node:net'
import type { Socket } from 'socket.io-client'

// socket.io-client -> Manager -> engine.io-client socket -> websocket transport -> ws -> net.Socket.
export const rawSocketOf = (socket: Socket): NetSocket => {
  const transport: any = (socket.io as any).engine?.transport
  if (transport?.name !== 'websocket') throw new Error('a stalled client needs the websocket transport')
  const raw: NetSocket | undefined = transport.ws?._socket
  if (!raw) throw new Error('no raw socket under the websocket transport')
  return raw
}

export interface Stall {
  resume: () => void
}

// Stops reading: nothing more reaches the client until resume(); the server's sends back up.
export const stall = (socket: Socket): Stall => {
  const raw = rawSocketOf(socket)
  raw.pause()
  return { resume: () => raw.resume() }
}

// Resolves when `check` holds, polling on timers (a condition, not a sleep); rejects after `timeoutMs`.
export const waitFor = async (check: () => boolean, what: string, timeoutMs = 30000, everyMs = 20) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

// Runs `task(i)` for i in [0, count) with at most `parallel` in flight.
export const inParallel = async (count: number, parallel: number, task: (i: number) => Promise<void>) => {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker))
}
