// Load-generator worker processes (child_process.fork of bench/worker.ts) and a small request/answer protocol
// over their IPC channel. One process alone cannot parse tens of thousands of Socket.IO events per second.
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'

interface Pending {
  resolve: (value: any) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

export interface WorkerHandle {
  index: number
  pid: number
  child: ChildProcess
  pending: Map<number, Pending>
}

let nextId = 1

export class WorkerPool {
  readonly workers: WorkerHandle[] = []

  static async start(count: number): Promise<WorkerPool> {
    const pool = new WorkerPool()
    for (let index = 0; index < count; index++) {
      const child = fork(path.join(__dirname, '..', 'worker.ts'), [String(index)], {
        execArgv: [
          '--import',
          'tsx',
          ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)
        ],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc']
      })
      const handle: WorkerHandle = { index, pid: child.pid!, child, pending: new Map() }
      child.on('message', (msg: any) => {
        const pending = handle.pending.get(msg?.id)
        if (!pending) return
        handle.pending.delete(msg.id)
        clearTimeout(pending.timer)
        if (msg.ok) pending.resolve(msg.result)
        else pending.reject(new Error(`worker ${index}: ${msg.error}`))
      })
      child.on('exit', (code, signal) => {
        for (const pending of handle.pending.values()) {
          clearTimeout(pending.timer)
          pending.reject(new Error(`worker ${index} exited (code ${code}, signal ${signal})`))
        }
        handle.pending.clear()
      })
      pool.workers.push(handle)
    }
    await pool.all('ping', () => ({}), 60_000)
    return pool
  }

  get pids() {
    return this.workers.map((w) => w.pid)
  }

  call<T = any>(index: number, cmd: string, args: unknown, timeoutMs: number): Promise<T> {
    const handle = this.workers[index]
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        handle.pending.delete(id)
        reject(new Error(`worker ${index}: '${cmd}' did not answer within ${Math.round(timeoutMs / 1000)}s`))
      }, timeoutMs)
      handle.pending.set(id, { resolve, reject, timer })
      handle.child.send({ id, cmd, args })
    })
  }

  // The same command on every worker; `args` may differ per worker.
  all<T = any>(cmd: string, args: (index: number) => unknown, timeoutMs: number): Promise<T[]> {
    return Promise.all(this.workers.map((w) => this.call<T>(w.index, cmd, args(w.index), timeoutMs)))
  }

  async close() {
    await Promise.allSettled(this.workers.map((w) => this.call(w.index, 'exit', {}, 15_000)))
    for (const w of this.workers) if (w.child.exitCode === null) w.child.kill('SIGTERM')
  }

  kill() {
    for (const w of this.workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL')
  }
}
