// Event-loop delay while 100 logins arrive at once (issue 12): the old bcryptjs hashing against argon2id
// (@node-rs/argon2, on libuv's threadpool). Not a test: prints figures; run on a quiet machine.
//
//   node --import tsx bench/login-storm.ts [--logins 100] [--bcrypt-cost 10]
//
// Uses the configured argon2id costs (config/default.json unless NODE_ENV says otherwise), a fresh database
// LOGIN_STORM_DB (default chatboard_login_storm) on DATABASE_URL's server, and Redis as configured.
import crypto from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import bcrypt from 'bcryptjs'

process.env.LOG_LEVEL ??= 'silent'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const LOGINS = arg('logins', 100)
const BCRYPT_COST = arg('bcrypt-cost', 10)
const PASSWORD = 'storm password 1'

const ms = (ns: number) => (ns / 1e6).toFixed(1)

// Runs `work` while sampling the event loop's delay every 10 ms; one line of figures. The histogram only
// records when its timer gets to run, so a loop starved for the whole run shows no samples: the longest gap
// between two ticks of a 10 ms interval of our own ("stall") catches that.
const measure = async (label: string, work: () => Promise<unknown>) => {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  let last = performance.now()
  let stall = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    stall = Math.max(stall, now - last - 10)
    last = now
  }, 10)
  histogram.enable()
  const started = performance.now()
  const outcome = await work()
  const wall = performance.now() - started
  histogram.disable()
  clearInterval(ticker)
  stall = Math.max(stall, performance.now() - last - 10)
  console.log(
    `${label.padEnd(58)} wall ${wall.toFixed(0).padStart(6)} ms | loop delay p50 ${ms(histogram.percentile(50))} ` +
      `p99 ${ms(histogram.percentile(99))} max ${ms(histogram.max)} ms (${histogram.count} samples) | ` +
      `longest stall ${stall.toFixed(0)} ms${typeof outcome === 'string' ? ` | ${outcome}` : ''}`
  )
}

const main = async () => {
  const { freshDatabase } = await import('./lib/seed')
  const { createKnex, migrateLatest } = await import('../src/postgresql')
  const { createApp } = await import('../src/app')
  const { hashPassword, verifyPassword } = await import('../src/auth/passwords')

  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const database = await freshDatabase(false, base, process.env.LOGIN_STORM_DB ?? 'chatboard_login_storm')
  const db = createKnex({ url: database.databaseUrl, dataDir: '', poolMax: 4 })
  await migrateLatest(db)
  const { default: config } = await import('config')
  // Rate limits out of the way: a storm from one address is the point here.
  const limits = {
    ...config.get<Record<string, number>>('limits'),
    restPerMinuteAnonymous: 1e6,
    loginPerIp: 1e6
  }
  const app = createApp({
    database: { url: database.databaseUrl, dataDir: '', poolMax: 10 },
    limits: limits as any
  })
  const server = await app.listen(0, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const settings = app.get('passwords')
  console.log(
    `${LOGINS} concurrent logins; bcrypt cost ${BCRYPT_COST} (the old default hashSize); argon2id ` +
      `m=${settings.memoryCostKiB} KiB t=${settings.timeCost} p=${settings.parallelism}; ` +
      `libuv threadpool ${process.env.UV_THREADPOOL_SIZE ?? 4}`
  )

  // Users seeded with SQL: one batch with bcrypt hashes (accounts from before the switch), one with argon2id.
  const bcryptHash = await bcrypt.hash(PASSWORD, BCRYPT_COST)
  const argonHash = await hashPassword(PASSWORD, settings)
  const seed = async (prefix: string, hash: string) => {
    const rows = Array.from({ length: LOGINS }, (_, i) => ({
      id: crypto.randomUUID(),
      email: `${prefix}${i}@storm.test`,
      username: `${prefix}${i}`,
      name: `Storm ${i}`,
      password: hash,
      email_verified: true
    }))
    await db('users').insert(rows)
    return rows.map((r) => r.email)
  }
  const bcryptUsers = await seed('legacy', bcryptHash)
  const argonUsers = await seed('current', argonHash)
  // Answers how many logins got which status (a starved loop turns database waits into 503s).
  const storm = async (emails: string[]) => {
    const statuses = await Promise.all(
      emails.map(async (email) => {
        const res = await fetch(`${url}/authentication`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ strategy: 'local', email, password: PASSWORD })
        })
        await res.arrayBuffer()
        return res.status
      })
    )
    const counts: Record<number, number> = {}
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1
    return `statuses ${JSON.stringify(counts)}`
  }

  try {
    await measure('hashing only: bcryptjs compare (the old login)', () =>
      Promise.all(bcryptUsers.map(() => bcrypt.compare(PASSWORD, bcryptHash)))
    )
    await measure('hashing only: argon2id verify (the new login)', () =>
      Promise.all(argonUsers.map(() => verifyPassword(argonHash, PASSWORD)))
    )
    await measure('HTTP logins, argon2id users', () => storm(argonUsers))
    await measure('HTTP logins, bcrypt users (verify + upgrade to argon2id)', () => storm(bcryptUsers))
    const upgraded = await db('users').whereIn('email', bcryptUsers).where('password', 'like', '$argon2id$%')
    console.log(`bcrypt users upgraded to argon2id: ${upgraded.length} of ${bcryptUsers.length}`)
  } finally {
    server.closeAllConnections()
    await app.teardown()
    await db.destroy()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
