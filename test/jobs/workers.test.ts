// Two real worker processes (src/worker.ts with the test probe job) share one queue on PostgreSQL: every job runs
// exactly once and never twice at once, per-process concurrency holds, failures are logged and retried with
// exponential backoff, SIGTERM stops a worker cleanly, and the worker refuses the embedded database.
import assert from 'node:assert/strict'
import path from 'node:path'
import { spawn } from 'node:child_process'
import type { Knex } from 'knex'
import { sharedServer } from '../helpers/server'
import { PROBE_TABLE, createProbeTable } from './fixtures/probe'
import { waitUntil } from './helpers'

const ROOT = path.resolve(__dirname, '..', '..')
const PROBE_WORKER = path.join(__dirname, 'fixtures', 'probe-worker.ts')
const WORKER = path.join(ROOT, 'src', 'worker.ts')
const CONCURRENCY = 2

interface Worker {
  pid: number
  logs: any[]
  ready: Promise<void>
  exited: Promise<number | null>
  stop: () => Promise<number | null>
}

// Spawns `node --import tsx <script>` with JSON logs on stdout; `ready` resolves on the worker's ready line.
const spawnWorker = (script: string, env: Record<string, string | undefined> = {}): Worker => {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      JOBS_PROCESS_EVERY_MS: '100',
      JOBS_CONCURRENCY: String(CONCURRENCY),
      JOBS_LOCK_LIMIT: String(CONCURRENCY),
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logs: any[] = []
  let stderr = ''
  let buffered = ''
  let onReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) {
      try {
        const entry = JSON.parse(line)
        logs.push(entry)
        if (entry.msg === 'worker ready: processing jobs') onReady()
      } catch {
        logs.push({ msg: line })
      }
    }
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const failedEarly = exited.then((code) => {
    throw new Error(
      `worker exited (${code}) before it was ready: ${stderr.slice(-2000)} ${JSON.stringify(logs.slice(-5))}`
    )
  })
  const readyOrFailed = Promise.race([ready, failedEarly])
  // Awaited by the tests that expect a start; a worker expected to refuse must not leave a stray rejection.
  readyOrFailed.catch(() => undefined)
  return {
    pid: child.pid!,
    logs,
    ready: readyOrFailed,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    }
  }
}

describe('job workers (two processes)', function () {
  this.timeout(90000)
  let db: Knex
  let workers: Worker[] = []
  const agenda = () => sharedServer().app.get('jobRuntime').agenda
  // Read through Agenda, not SQL, so the suite holds on either job store (PostgreSQL, or MongoDB via MONGODB_URL).
  const probeJobs = async (prefix: string) =>
    (await agenda().queryJobs({ name: 'test.probe' })).jobs.filter((job: any) =>
      job.data?.key?.startsWith(prefix)
    )

  before(async () => {
    db = sharedServer().app.get('postgresqlClient')
    await createProbeTable(db)
    workers = [spawnWorker(PROBE_WORKER), spawnWorker(PROBE_WORKER)]
    await Promise.all(workers.map((w) => w.ready))
  })

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()))
    await agenda().cancel({ name: 'test.probe' })
    await db.schema.dropTableIfExists(PROBE_TABLE)
  })

  it('runs each of 40 jobs exactly once, spread over both workers, never above the concurrency limit', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `once-${i}`)
    // Enqueued by this process, which does not define test.probe and so never runs it.
    for (const key of keys) await agenda().now('test.probe', { key, ms: 25 })
    await waitUntil(
      async () => {
        const [{ n }] = await db(PROBE_TABLE)
          .whereIn('key', keys)
          .whereNotNull('finished_at')
          .count({ n: '*' })
        const open = (await probeJobs('once-')).filter((job) => job.lockedAt || !job.lastFinishedAt)
        return Number(n) === keys.length && open.length === 0
      },
      30000,
      'all 40 probe jobs finished'
    )
    const runs = await db(PROBE_TABLE).whereIn('key', keys).orderBy('started_at')
    assert.equal(runs.length, keys.length, 'a job ran more than once')
    assert.deepEqual([...new Set(runs.map((r) => r.key))].sort(), [...keys].sort())
    const pids = new Set(runs.map((r) => r.pid))
    assert.deepEqual(
      [...pids].sort(),
      workers.map((w) => w.pid).sort(),
      'both workers should have taken jobs'
    )
    // Per worker, never more than jobs.concurrency probe runs overlap in time.
    for (const pid of pids) {
      const mine = runs.filter((r) => r.pid === pid)
      for (const run of mine) {
        const at = new Date(run.started_at).getTime()
        const overlapping = mine.filter(
          (o) => new Date(o.started_at).getTime() <= at && new Date(o.finished_at).getTime() > at
        )
        assert.ok(overlapping.length <= CONCURRENCY, `pid ${pid} ran ${overlapping.length} probes at once`)
      }
    }
    assert.deepEqual(
      (await probeJobs('once-')).filter((job) => job.failedAt),
      []
    )
  })

  it('logs a failed attempt and retries it with exponential backoff until it succeeds', async () => {
    const job = await agenda().now('test.probe', { key: 'flaky', failTimes: 2 })
    const id = String(job.attrs._id)
    const final = await waitUntil(
      async () => {
        const [row] = (await agenda().queryJobs({ id })).jobs
        return row?.failedAt && row.lastFinishedAt! > row.failedAt && !row.lockedAt ? row : undefined
      },
      30000,
      'flaky probe completed'
    )
    assert.ok(!final.failCount, 'a success resets the failure count')
    const runs = await db(PROBE_TABLE).where({ key: 'flaky' }).orderBy('attempt')
    assert.deepEqual(
      runs.map((r) => r.attempt),
      [1, 2, 3]
    )
    // Backoff 20 ms then 40 ms (probeJob.retry): each retry starts no earlier than its delay after the failure.
    const gap = (a: any, b: any) => new Date(b.started_at).getTime() - new Date(a.finished_at).getTime()
    assert.ok(gap(runs[0], runs[1]) >= 20, `first retry after ${gap(runs[0], runs[1])} ms`)
    assert.ok(gap(runs[1], runs[2]) >= 40, `second retry after ${gap(runs[1], runs[2])} ms`)
    // Both workers' logs, in time order (either may have run any attempt).
    const logs = workers
      .flatMap((w) => w.logs)
      .filter((l) => l.job?.id === id)
      .sort((a, b) => a.time - b.time)
    const failures = logs.filter((l) => l.msg === 'job failed')
    assert.equal(failures.length, 2)
    assert.ok(failures.every((l) => l.level === 40 && /failing attempt/.test(l.err?.message)))
    const retries = logs.filter((l) => l.msg === 'job retry scheduled').map((l) => l.delay_ms)
    assert.deepEqual(retries, [20, 40])
  })

  it('stops on SIGTERM with exit code 0 and leaves no job locked', async () => {
    for (let i = 0; i < 6; i++) await agenda().now('test.probe', { key: `late-${i}`, ms: 30 })
    const codes = await Promise.all(workers.map((w) => w.stop()))
    assert.deepEqual(codes, [0, 0])
    const locked = (await probeJobs('late-')).filter((job) => job.lockedAt)
    assert.deepEqual(locked, [], 'a stopping worker must hand back or finish what it claimed')
  })

  it('npm run worker (src/worker.ts) starts on PostgreSQL and refuses the embedded database', async () => {
    const real = spawnWorker(WORKER)
    await real.ready
    assert.equal(await real.stop(), 0)
    const embedded = spawnWorker(WORKER, {
      NODE_ENV: 'development',
      DATABASE_URL: undefined,
      LOG_LEVEL: 'info'
    })
    assert.equal(await embedded.exited, 1)
    assert.ok(
      embedded.logs.some(
        (l) => l.msg === 'worker failed to start' && /needs DATABASE_URL/.test(l.err?.message)
      )
    )
  })
})
