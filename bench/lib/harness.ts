// One bench run's fixtures: fresh database + seed, the server process(es) of the target, the worker
// processes, and the users split between them; torn down afterwards (or killed by the watchdog).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Args, Target } from './args'
import { WorkerPool } from './pool'
import { Meter } from './procstat'
import type { ConnectArgs, ConnectResult, WorkerUser } from './protocol'
import { freshDatabase, migrateAndSeed } from './seed'
import type { Database, Seeded, SeedPlan } from './seed'
import { killServers, startServers, stopServers } from './servers'
import type { ServerProcess } from './servers'

export interface Harness {
  args: Args
  target: Target
  // The target as titles print it: `pg`, or `pg, server floor` for bench/floor-server.ts
  label: string
  db: Database
  seeded: Seeded
  seedMs: number
  servers: ServerProcess[]
  pool: WorkerPool
  // per worker, the users it drives
  shares: WorkerUser[][]
  members: Map<string, number[]>
  meter: () => Meter
}

// Everything that must die with the run, in case of Ctrl-C, the watchdog or a crash.
const live: { servers: ServerProcess[]; pool: WorkerPool | null; db: Database | null } = {
  servers: [],
  pool: null,
  db: null
}

export const killEverything = () => {
  killServers(live.servers)
  live.pool?.kill()
  // The embedded target's PGlite folder (nothing for PostgreSQL: chatboard_bench is dropped by the next run).
  if (live.db?.dataDir) fs.rmSync(live.db.dataDir, { recursive: true, force: true })
}

const log = (text: string) => process.stderr.write(`[bench] ${text}\n`)
export { log }

export const setup = async (args: Args, plan: SeedPlan, defaultWorkers: number): Promise<Harness> => {
  const target = args.target
  const embedded = target === 'embedded'
  // Checked before any seeding. The floor under the messaging scenarios (bench/floor-server.ts): one process.
  const program = args.str('server', 'chatboard') as 'chatboard' | 'floor' | 'peer'
  if (!['chatboard', 'floor', 'peer'].includes(program)) throw new Error(`unknown --server '${program}'`)
  if (program !== 'chatboard' && (target !== 'pg' || !['steady', 'ramp', 'bigroom'].includes(args.scenario)))
    throw new Error(`--server ${program} runs steady, ramp or bigroom with --target pg only`)
  const dbName = args.str('db', 'chatboard_bench')
  const db = await freshDatabase(
    embedded,
    args.str('database-url', 'postgres://postgres@127.0.0.1:5432/postgres'),
    dbName
  )
  live.db = db
  const seedStarted = performance.now()
  const seeded = await migrateAndSeed(db, plan)
  const seedMs = Math.round(performance.now() - seedStarted)
  log(
    `seeded ${seeded.users.length} users, ${seeded.rooms.length} rooms in ${seedMs} ms (${embedded ? db.dataDir : dbName})`
  )

  const nodeArgs = args.str('server-node-args', '').split(' ').filter(Boolean)
  if (args.has('cpu-prof')) {
    // Written by each server when it exits after SIGTERM (teardown), one .cpuprofile per process.
    const dir = path.resolve(
      args.str('cpu-prof', 'true') === 'true' ? 'bench/out/profiles' : args.str('cpu-prof', '')
    )
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`)
    log(`servers write CPU profiles to ${dir}`)
  }
  if (args.has('built') && program === 'chatboard') {
    // The production start (Dockerfile): compiled JavaScript, no TypeScript loader in the process.
    log('building lib/ (npm run build)')
    const built = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 2, 2] })
    if (built.status !== 0) throw new Error('npm run build failed')
  }
  const servers = await startServers({
    count: target === 'pg2' ? 2 : 1,
    databaseUrl: db.databaseUrl,
    dataDir: db.dataDir,
    redisUrl: embedded ? '' : args.str('redis-url', 'redis://127.0.0.1:6379/9'),
    firstPort: args.num('port', 0),
    poolMax: args.has('pool') ? args.num('pool', 10) : undefined,
    logLevel: args.str('server-log-level', 'warn'),
    nodeOptions: args.str('server-node-options', ''),
    nodeArgs,
    built: args.has('built'),
    logFile: args.str('server-log', ''),
    // Memory runs force full collections before each sample (bench/lib/inspector.ts).
    inspect: args.scenario === 'idle',
    program
  })
  live.servers = servers
  for (const server of servers) {
    void server.exited.then((code) => {
      if (!stopping) log(`server ${server.index} (pid ${server.pid}) exited unexpectedly with code ${code}`)
    })
  }
  log(`servers: ${servers.map((s) => `${s.url} pid ${s.pid}`).join(', ')}`)

  const workers = Math.max(1, args.num('workers', defaultWorkers))
  const pool = await WorkerPool.start(workers)
  live.pool = pool
  const shares: WorkerUser[][] = Array.from({ length: workers }, () => [])
  for (const user of seeded.users) {
    const { idx, email, password, rooms, sender } = user
    // pg2: clients alternate between the two servers, so every room spans both processes.
    shares[idx % workers].push({
      idx,
      email,
      password,
      rooms,
      sender,
      url: servers[idx % servers.length].url
    })
  }
  const members = new Map(seeded.rooms.map((room) => [room.id, room.members]))
  const meter = () =>
    new Meter(
      servers.map((s) => s.pid),
      pool.pids,
      { postgres: !embedded, redis: !embedded, dbName }
    )
  const label = program === 'chatboard' ? target : `${target}, server ${program}`
  return { args, target, label, db, seeded, seedMs, servers, pool, shares, members, meter }
}

// Connects every worker's users (or those `which` keeps); any failure aborts the run.
export const connectUsers = async (
  h: Harness,
  opts: Omit<ConnectArgs, 'users'>,
  which: (user: WorkerUser) => boolean = () => true
) => {
  const results = await h.pool.all<ConnectResult>(
    'connect',
    (i) => ({ ...opts, users: h.shares[i].filter(which) }),
    600_000
  )
  const connected = results.reduce((sum, r) => sum + r.connected, 0)
  const failed = results.reduce((sum, r) => sum + r.failed, 0)
  const ms = Math.max(...results.map((r) => r.ms))
  log(`connected ${connected} ${opts.transport} clients in ${ms} ms${failed ? `, ${failed} FAILED` : ''}`)
  if (failed)
    throw new Error(`${failed} clients could not connect: ${results.flatMap((r) => r.errors).join('; ')}`)
  return { connected, ms }
}

// Socket disconnects the bench did not cause (server kicked a socket, ping timeout...), since the start.
export const unexpectedDisconnects = async (h: Harness) => {
  const statuses = await h.pool.all<{ disconnects: Record<string, number> }>('status', () => ({}), 30_000)
  const total: Record<string, number> = {}
  for (const s of statuses)
    for (const [reason, n] of Object.entries(s.disconnects)) total[reason] = (total[reason] ?? 0) + n
  return total
}

let stopping = false

export const teardown = async (h: Harness | null) => {
  stopping = true
  if (h) {
    await h.pool.close()
    await stopServers(h.servers)
  } else {
    killEverything()
  }
  await live.db?.cleanup()
}

export const hrNow = () => process.hrtime.bigint()
export const hrIn = (ms: number) => process.hrtime.bigint() + BigInt(Math.round(ms * 1e6))
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
