// Password hashing on threads of its own at the lowest CPU priority (nice 19 on Linux), so a login storm runs on
// the CPU that message delivery leaves over instead of taking a core from it.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

// Why not libuv's threadpool (where @node-rs/argon2's async calls run): its threads have the event loop's
// priority, and argon2id is made to cost CPU. During 100 logins at 500 msg/s on 2 cores, a hash at a time still
// raised the worst delivery of those seconds to ~200 ms (bench/RESULTS.md, session 9). A thread's nice value is
// its own on Linux: the hashing thread lowers only itself, then runs argon2's synchronous calls. Elsewhere the
// priority call fails and is ignored (the hash is still off the event loop).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const os = require('node:os')
const fs = require('node:fs')
const argon2 = require(workerData.argon2)
let thread = { tid: null, priority: null }
try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop())
  os.setPriority(tid, 19)
  thread = { tid, priority: os.getPriority(tid) }
} catch {}
parentPort.on('message', ({ op, args }) => {
  try {
    const value =
      op === 'hash' ? argon2.hashSync(...args) : op === 'verify' ? argon2.verifySync(...args) : thread
    parentPort.postMessage({ value })
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) })
  }
})
`

type Op = 'hash' | 'verify' | 'thread'

interface Call {
  resolve: (value: any) => void
  reject: (error: Error) => void
}

const argon2Path = createRequire(__filename).resolve('@node-rs/argon2')
const idle: Worker[] = []
const busy = new Map<Worker, Call>()

const spawn = () => {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { argon2: argon2Path } })
  worker.on('message', (message: { value?: unknown; error?: string }) => {
    const call = busy.get(worker)
    busy.delete(worker)
    // An idle hashing thread never keeps the process alive (a busy one does: a script awaiting a hash).
    worker.unref()
    idle.push(worker)
    if (!call) return
    if (message.error !== undefined) call.reject(new Error(message.error))
    else call.resolve(message.value)
  })
  const gone = (error: Error) => {
    busy.get(worker)?.reject(error)
    busy.delete(worker)
    const at = idle.indexOf(worker)
    if (at >= 0) idle.splice(at, 1)
  }
  worker.on('error', gone)
  worker.on('exit', (code) => gone(new Error(`password thread exited (${code})`)))
  return worker
}

// One call on an idle thread (a new one if none is idle: callers hold a password slot, which bounds them).
export const onPasswordThread = <T>(op: Op, args: unknown[] = []): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const worker = idle.pop() ?? spawn()
    worker.ref()
    busy.set(worker, { resolve, reject })
    worker.postMessage({ op, args })
  })

// The thread's id and its nice value as the kernel reports them (null where unsupported): for tests.
export const passwordThread = () =>
  onPasswordThread<{ tid: number | null; priority: number | null }>('thread')
