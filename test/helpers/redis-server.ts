// A Redis server of the test's own (redis-server on a free port, nothing persisted), so a test can kill it and
// start it again on the same port without touching the shared Redis other suites use.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import net from 'node:net'
import { freePort } from './free-port'

export interface OwnRedis {
  port: number
  url: (db?: number) => string
  start: () => Promise<void>
  // SIGKILL: no shutdown, every client connection drops at once.
  kill: () => Promise<void>
  stop: () => Promise<void>
}

// Resolves once the server answers PING on the port (or rejects when the process exits first).
const answers = (port: number, child: ChildProcess, timeoutMs = 10000) =>
  new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`redis-server exited (${child.exitCode})`))
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => socket.write('PING\r\n'))
      socket.once('data', (data) => {
        socket.destroy()
        if (data.toString().startsWith('+PONG')) resolve()
        else retry()
      })
      socket.once('error', () => retry())
    }
    const retry = () => {
      if (Date.now() > deadline) return reject(new Error('redis-server did not start'))
      setTimeout(attempt, 50)
    }
    attempt()
  })

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })

export const startRedisServer = async (): Promise<OwnRedis> => {
  const port = await freePort()
  let child: ChildProcess | null = null
  // Starts it (again) on the same port; does nothing while it runs.
  const start = async () => {
    if (child) return
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    child = spawn('redis-server', args, { stdio: 'ignore' })
    await answers(port, child)
  }
  const end = async (signal: NodeJS.Signals) => {
    const current = child
    child = null
    if (!current) return
    current.kill(signal)
    await exited(current)
  }
  await start()
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    start,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM')
  }
}
