// Spawns ChatBoard server processes for a run (node --import tsx src/index.ts, as `npm start` does) on free
// loopback ports, waits until /health/ready answers, and stops them (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..', '..')
export const BENCH_METRICS_TOKEN = 'bench-metrics-token'
const READY_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 15_000

export interface ServerProcess {
  index: number
  pid: number
  url: string
  child: ChildProcess
  output: string[]
  exited: Promise<number | null>
  // The inspector's port when started with `inspect` (memory runs force collections through it).
  inspectPort?: number
}

export interface ServerOptions {
  count: number
  databaseUrl: string // '' = embedded PGlite in dataDir
  dataDir: string
  redisUrl: string // '' = no Redis
  firstPort: number // 0 = pick free ports
  poolMax?: number
  logLevel: string
  nodeOptions: string // NODE_OPTIONS for the servers only (e.g. --max-old-space-size=512)
  nodeArgs: string[] // node flags on the servers' command line (Node 20 refuses --cpu-prof in NODE_OPTIONS)
  built: boolean // run lib/index.js (npm run build, as the Docker image does) instead of src/ through tsx
  logFile: string // '' = keep only the last 200 lines in memory (printed if start-up fails)
  inspect?: boolean // open the inspector on a free loopback port (bench/lib/inspector.ts forces GC through it)
  // `floor`/`peer`: bench/floor-server.ts (bare Socket.IO, or with one INSERT per message) instead of ChatBoard
  program?: 'chatboard' | 'floor' | 'peer'
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const spawnServer = (
  index: number,
  port: number,
  opts: ServerOptions,
  inspectPort?: number
): ServerProcess => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: opts.logLevel,
    // Every bench user logs in from 127.0.0.1: lift the login limits far above what a run needs.
    LOGIN_LIMIT_PER_IP: '1000000000',
    LOGIN_LIMIT_PER_EMAIL: '1000000',
    // Likewise the per-address connection budget and the per-user request budgets: a run measures the
    // server, not its abuse limits (a reconnect storm is 1,000 sockets from one address in one instant).
    RATE_LIMIT_SOCKET_CONNECTIONS_PER_MINUTE: '1000000000',
    RATE_LIMIT_SOCKET_SENDS_PER_SECOND: '1000000',
    RATE_LIMIT_SOCKET_SEND_BURST: '1000000',
    RATE_LIMIT_SOCKET_CALLS: '1000000000',
    RATE_LIMIT_REST_PER_MINUTE: '1000000000',
    // /metrics on: the run reads each server's event-loop delay, GC pauses and pool waits (server-stats.ts).
    METRICS_TOKEN: BENCH_METRICS_TOKEN
  }
  for (const name of [
    'NODE_ENV',
    'NODE_CONFIG_ENV',
    'NODE_CONFIG',
    'DATABASE_URL',
    'REDIS_URL',
    'DATA_DIR',
    'NODE_OPTIONS'
  ]) {
    delete env[name]
  }
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl
  else env.DATA_DIR = opts.dataDir
  if (opts.redisUrl) env.REDIS_URL = opts.redisUrl
  if (opts.poolMax) env.DATABASE_POOL_MAX = String(opts.poolMax)
  if (opts.nodeOptions) env.NODE_OPTIONS = opts.nodeOptions
  const floor = opts.program === 'floor' || opts.program === 'peer'
  if (floor) env.FLOOR_MODE = opts.program === 'peer' ? 'peer' : 'bare'
  // node itself, not npm or a shell: the child pid is the server whose /proc entries we read.
  const nodeArgs = inspectPort ? [...opts.nodeArgs, `--inspect=127.0.0.1:${inspectPort}`] : opts.nodeArgs
  const main = floor ? 'bench/floor-server.ts' : 'src/index.ts'
  const argv = opts.built && !floor ? [...nodeArgs, 'lib/index.js'] : [...nodeArgs, '--import', 'tsx', main]
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const output: string[] = []
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean))
    if (output.length > 200) output.splice(0, output.length - 200)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  if (opts.logFile) {
    const file = fs.createWriteStream(opts.logFile.replace('%i', String(index)), { flags: 'a' })
    child.stdout!.pipe(file)
    child.stderr!.pipe(file)
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { index, pid: child.pid!, url: `http://127.0.0.1:${port}`, child, output, exited, inspectPort }
}

const waitReady = async (server: ServerProcess) => {
  const deadline = Date.now() + READY_TIMEOUT_MS
  let exitCode: number | null | undefined
  void server.exited.then((code) => (exitCode = code))
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`server ${server.index} exited with code ${exitCode} before it was ready`)
    try {
      const res = await fetch(`${server.url}/health/ready`, { signal: AbortSignal.timeout(5000) })
      if (res.status === 200) return
      last = `HTTP ${res.status}`
    } catch (error: any) {
      last = error?.cause?.code ?? error?.message ?? String(error)
    }
    await delay(200)
  }
  throw new Error(`server ${server.index} not ready within ${READY_TIMEOUT_MS / 1000}s (last: ${last})`)
}

// Starts the servers one after the other (the first one applies any pending migration).
export const startServers = async (opts: ServerOptions): Promise<ServerProcess[]> => {
  const servers: ServerProcess[] = []
  try {
    for (let i = 0; i < opts.count; i++) {
      const port = opts.firstPort ? opts.firstPort + i : await freePort()
      const server = spawnServer(i, port, opts, opts.inspect ? await freePort() : undefined)
      servers.push(server)
      await waitReady(server)
    }
    return servers
  } catch (error) {
    for (const server of servers) {
      console.error(`--- last output of server ${server.index} (pid ${server.pid}):`)
      for (const line of server.output.slice(-30)) console.error(`    ${line}`)
    }
    await stopServers(servers)
    throw error
  }
}

// SIGTERM lets index.ts tear down (and write a --cpu-prof profile); SIGKILL only if it hangs.
export const stopServers = async (servers: ServerProcess[]) => {
  await Promise.all(
    servers.map(async (server) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) return
      server.child.kill('SIGTERM')
      const code = await Promise.race([server.exited, delay(STOP_TIMEOUT_MS).then(() => 'timeout' as const)])
      if (code === 'timeout') {
        server.child.kill('SIGKILL')
        await server.exited
      }
    })
  )
}

// Last resort (watchdog, Ctrl-C): no waiting.
export const killServers = (servers: ServerProcess[]) => {
  for (const server of servers)
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
}
