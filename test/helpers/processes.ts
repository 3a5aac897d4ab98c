// Real ChatBoard server processes for tests (`node --import tsx src/index.ts`): several processes sharing the
// test database and Redis, as in production behind a load balancer. Started on free loopback ports.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'

export interface ServerProcess {
  url: string
  port: number
  child: ChildProcess
  // The process's stdout and stderr so far, for failure messages.
  output: () => string
  stop: () => Promise<void>
}

const root = path.resolve(__dirname, '..', '..')

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })

// SIGTERM lets the server close its database pool and Redis clients; SIGKILL if it has not gone in time.
const terminate = async (child: ChildProcess, graceMs = 5000) => {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const gone = await Promise.race([
    exited(child).then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))
  ])
  clearTimeout(timer)
  if (!gone) {
    child.kill('SIGKILL')
    await exited(child)
  }
}

// Polls /health/ready (database and Redis answer) until the process is ready, has died, or time is up.
const waitReady = async (url: string, child: ChildProcess, output: () => string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `server process exited (${child.exitCode ?? child.signalCode}) before ready:\n${output()}`
      )
    }
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`server process not ready after ${timeoutMs} ms:\n${output()}`)
}

export interface ProcessOptions {
  env?: Record<string, string>
  readyTimeoutMs?: number
}

// NODE_ENV=test applies config/test.json (port 0, silent logs); PORT, HOST, DATABASE_URL and REDIS_URL from the
// environment override it, so the process listens where the test expects and shares the test database.
export const startProcess = async (options: ProcessOptions = {}): Promise<ServerProcess> => {
  if (!process.env.DATABASE_URL)
    throw new Error('DATABASE_URL is not set (root hooks set it to the test database)')
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    let log = ''
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: 'redis://127.0.0.1:6379/3',
        LOG_LEVEL: 'warn',
        ...options.env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const append = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20000)
    }
    child.stdout!.on('data', append)
    child.stderr!.on('data', append)
    const output = () => log
    try {
      await waitReady(url, child, output, options.readyTimeoutMs ?? 90000)
    } catch (error) {
      await terminate(child)
      // Another program may have taken the probed port between probing and listening: try another.
      if (attempt < 3 && /EADDRINUSE/.test(log)) continue
      throw error
    }
    return { url, port, child, output, stop: () => terminate(child) }
  }
}

// Starts `count` processes side by side; stops the ones already started if one fails.
export const startProcesses = async (
  count: number,
  options: ProcessOptions = {}
): Promise<ServerProcess[]> => {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startProcess(options)))
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = started.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined
  if (failed) {
    await stopProcesses(ok)
    throw failed.reason
  }
  return ok
}

export const stopProcesses = async (servers: ServerProcess[]) => {
  await Promise.all(servers.map((server) => server.stop()))
}
