// The job runtime's life cycle on PostgreSQL: a web process that only enqueues (jobs.runInWeb false) wakes a
// worker at once through NOTIFY, teardown lets a running job finish, old finished jobs are pruned by the
// jobs.prune job, and misuse (unknown job, no setup) fails loudly.
import assert from 'node:assert/strict'
import type { EventEmitter } from 'node:events'
import { createApp } from '../../src/app'
import { JOBS_TABLE } from '../../src/jobs/backend'
import type { JobDefinition } from '../../src/jobs'
import { sharedServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { createOrg } from '../helpers/fixtures'
import { settle, startJobsServer } from './helpers'

const quick: JobDefinition = { name: 'test.quick', run: async () => undefined }

const slow: JobDefinition = {
  name: 'test.slow',
  run: async () => {
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
}

describe('job runtime', function () {
  this.timeout(30000)
  const servers: TestServer[] = []
  const start = async (...args: Parameters<typeof startJobsServer>) => {
    const server = await startJobsServer(...args)
    servers.push(server)
    return server
  }
  const postgresOnly = function (this: Mocha.Context) {
    if (sharedServer().app.get('jobRuntime').store !== 'postgresql') this.skip()
  }

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()))
    for (const name of [quick.name, slow.name])
      await sharedServer().app.get('jobRuntime').agenda.cancel({ name })
  })

  it('an enqueue-only web process wakes a worker through NOTIFY, long before its next poll', async function () {
    postgresOnly.call(this)
    const web = await start({ runInWeb: false })
    // Polls once at start and then only every minute: only a notification can make it run the job in time.
    const worker = await start({ processEveryMs: 60000 })
    for (const server of [web, worker]) server.app.get('jobRuntime').define(quick)
    const runtime = worker.app.get('jobRuntime')
    const job = await settle(
      runtime,
      () => web.app.get('jobRuntime').enqueue(quick.name, {}),
      undefined,
      10000
    )
    assert.equal(job.state, 'completed')
    assert.equal(job.lastModifiedBy, runtime.agenda.attrs.name, 'the worker ran it, not the web process')
  })

  it('teardown waits for a running job to finish and leaves nothing locked', async () => {
    const server = await start({ processEveryMs: 100 })
    const runtime = server.app.get('jobRuntime')
    runtime.define(slow)
    const started = new Promise<void>((resolve) =>
      (runtime.agenda as unknown as EventEmitter).once('start:test.slow', () => resolve())
    )
    const { id } = await runtime.enqueue(slow.name, {})
    await started
    await server.stop()
    servers.splice(servers.indexOf(server), 1)
    const [job] = (await sharedServer().app.get('jobRuntime').agenda.queryJobs({ id })).jobs
    assert.equal(job.state, 'completed')
    assert.ok(!job.lockedAt)
  })

  it('jobs.prune removes one-off jobs finished longer ago than jobs.keepFinishedDays, and nothing else', async function () {
    postgresOnly.call(this)
    const runtime = sharedServer().app.get('jobRuntime')
    const { orgId } = await createOrg(sharedServer().url)
    const old = await settle(runtime, () => runtime.enqueue('retention.purge', { org_id: orgId }))
    const recent = await settle(runtime, () => runtime.enqueue('retention.purge', { org_id: orgId }))
    const db = sharedServer().app.get('postgresqlClient')
    // Recurring rows are compared before and after, not listed: other suites may declare their own.
    const recurring = async () =>
      (await runtime.agenda.queryJobs({})).jobs
        .filter((job) => job.repeatInterval)
        .map((job) => `${job.name} ${String(job._id)}`)
        .sort()
    const recurringBefore = await recurring()
    for (const name of ['jobs.prune', 'retention.purge']) {
      assert.equal(recurringBefore.filter((row) => row.startsWith(`${name} `)).length, 1, name)
    }
    // DIRECT DATABASE WRITE: ages one finished job past the 7-day default.
    await db(JOBS_TABLE)
      .where({ id: String(old._id) })
      .update({ last_finished_at: db.raw("now() - interval '8 days'") })
    await settle(runtime, () => runtime.enqueue('jobs.prune', {}))
    const left = (await runtime.agenda.queryJobs({ data: { org_id: orgId } })).jobs.map((job) =>
      String(job._id)
    )
    assert.deepEqual(left, [String(recent._id)])
    assert.deepEqual(await recurring(), recurringBefore)
  })

  it('refuses unknown jobs and enqueueing before the app is set up', async () => {
    const runtime = sharedServer().app.get('jobRuntime')
    await assert.rejects(runtime.enqueue('no.such.job', {}), /Unknown job "no.such.job"/)
    const idle = createApp({ database: sharedServer().app.get('database') })
    try {
      await assert.rejects(idle.get('jobRuntime').enqueue('retention.purge', {}), /not started/)
    } finally {
      await idle.teardown()
    }
  })
})
