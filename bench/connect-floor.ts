// The floor under the reconnect storm on this machine: a bare Socket.IO server (no Feathers, no database, no
// Redis) and the same client library in 2 worker processes. N clients connect, drop, then all reconnect at one
// instant and each makes one acknowledged call answered with --payload-kb of JSON (a catch-up page is ~45 KB).
// Prints when the last answer arrived and the server's CPU. Not a test; run on a quiet machine.
//
//   node --import tsx bench/connect-floor.ts [--clients 1000] [--payload-kb 0]
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const now = () => performance.timeOrigin + performance.now()
const ask = <T>(child: ChildProcess, message: object) =>
  new Promise<T>((resolve) => {
    child.once('message', (answer) => resolve(answer as T))
    child.send(message)
  })

const server = () => {
  const kb = Number(process.env.PAYLOAD_KB)
  const payload = {
    data: Array.from({ length: Math.ceil((kb * 1024) / 450) }, (_, i) => ({ i, body: 'x'.repeat(400) }))
  }
  const httpServer = http.createServer()
  new Server(httpServer, { transports: ['websocket'] }).on('connection', (socket) => {
    socket.on('hello', (_data, ack) => ack(kb > 0 ? payload : { ok: true }))
  })
  httpServer.listen(0, '127.0.0.1', () => process.send!({ port: (httpServer.address() as AddressInfo).port }))
  process.on('message', () =>
    process.send!({ cpuMs: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 })
  )
}

const worker = () => {
  let sockets: Socket[] = []
  process.on('message', async (message: any) => {
    if (message.connect) {
      const url = `http://127.0.0.1:${message.port}`
      sockets = Array.from({ length: message.count }, () =>
        io(url, { transports: ['websocket'], forceNew: true, reconnection: false, autoConnect: false })
      )
      for (const socket of sockets) {
        socket.connect()
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      }
      for (const socket of sockets) socket.disconnect()
      process.send!({ ready: true })
    } else if (message.startAt) {
      await new Promise((resolve) => setTimeout(resolve, message.startAt - now()))
      const done = await Promise.all(
        sockets.map(async (socket) => {
          socket.connect()
          await socket.emitWithAck('hello', {})
          return now() - message.startAt
        })
      )
      process.send!({ lastMs: Math.max(...done), p50Ms: done.sort((a, b) => a - b)[done.length >> 1] })
      for (const socket of sockets) socket.disconnect()
    }
  })
}

const main = async () => {
  const clients = arg('clients', 1000)
  const payloadKb = arg('payload-kb', 0)
  const self = process.argv[1]
  const srv = fork(self, [], { env: { ...process.env, ROLE: 'server', PAYLOAD_KB: String(payloadKb) } })
  const { port } = await new Promise<{ port: number }>((resolve) => srv.once('message', resolve as any))
  const workers = [0, 1].map(() => fork(self, [], { env: { ...process.env, ROLE: 'worker' } }))
  await Promise.all(
    workers.map((w, i) => ask(w, { connect: true, port, count: (clients >> 1) + (i ? clients & 1 : 0) }))
  )
  const before = await ask<{ cpuMs: number }>(srv, {})
  const startAt = now() + 300
  const results = await Promise.all(
    workers.map((w) => ask<{ lastMs: number; p50Ms: number }>(w, { startAt }))
  )
  const after = await ask<{ cpuMs: number }>(srv, {})
  const lastMs = Math.max(...results.map((r) => r.lastMs))
  console.log(
    `${clients} clients reconnect at once, one call each answered with ${payloadKb} KB: all answered after ` +
      `${lastMs.toFixed(0)} ms (p50 of a worker ${results[0].p50Ms.toFixed(0)} ms); bare Socket.IO server CPU ` +
      `${(after.cpuMs - before.cpuMs).toFixed(0)} ms (${((after.cpuMs - before.cpuMs) / clients).toFixed(2)} ms per client)`
  )
  for (const child of [srv, ...workers]) child.kill()
}

if (process.env.ROLE === 'server') server()
else if (process.env.ROLE === 'worker') worker()
else void main()
