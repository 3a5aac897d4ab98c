// The embedded default (no DATABASE_URL: PGlite in a data folder) runs jobs too: the same Agenda and the same
// job definitions over the app's single PGlite connection, with retries, org listing and a clean teardown.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../src/app'
import { migrateLatest } from '../../src/postgresql'
import { purgeExpiredMessages } from '../../src/jobs/definitions/retention'
import { jobDefinitions } from '../../src/jobs/definitions'
import type { Application } from '../../src/declarations'
import type { JobDefinition } from '../../src/jobs'
import { api, bearer, createOrg } from '../helpers/fixtures'
import { jobSettings, settle, tempDir, waitUntil } from './helpers'

const flaky: JobDefinition = {
  name: 'test.embedded-flaky',
  retry: { delayMs: 20, factor: 2, maxRetries: 1 },
  run: async ({ job }) => {
    if (!job.attrs.failCount) throw new Error('first attempt fails')
  }
}

describe('jobs in the embedded database (PGlite)', function () {
  this.timeout(120000)
  let app: Application
  let server: Server
  let url: string
  let dataDir: string

  before(async () => {
    dataDir = tempDir('chatboard-jobs-')
    app = createApp({
      database: { url: '', dataDir, poolMax: 1 },
      redisUrl: '',
      jobs: jobSettings({ processEveryMs: 100, mongoUrl: '' })
    })
    await migrateLatest(app.get('postgresqlClient'))
    app.get('jobRuntime').define(flaky)
    server = await app.listen(0, '127.0.0.1')
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  after(async () => {
    app?.io?.local.disconnectSockets(true)
    server?.closeAllConnections()
    await app?.teardown()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('uses the embedded store and runs the recurring system jobs at start', async () => {
    const runtime = app.get('jobRuntime')
    assert.equal(runtime.store, 'embedded')
    // Every definition with a schedule under this configuration (features add their own recurring jobs).
    const expected = jobDefinitions
      .filter((definition) => definition.everyMs && definition.everyMs(app) > 0)
      .map((definition) => definition.name)
      .sort()
    assert.ok(expected.includes('outbox.sweep') && expected.includes('retention.purge'))
    const recurring = await waitUntil(
      async () => {
        const jobs = (await runtime.agenda.queryJobs({})).jobs.filter((job) => job.repeatInterval)
        return (
          jobs.length === expected.length && jobs.every((job) => job.lastFinishedAt && !job.lockedAt) && jobs
        )
      },
      20000,
      'every recurring system job ran once'
    )
    assert.deepEqual(recurring.map((job) => job.name).sort(), expected)
    assert.ok(recurring.every((job) => job.state === 'repeating'))
  })

  it('purges expired messages of an org through the retention job, and lists the job to that org’s ADMIN', async () => {
    const { admin, orgId } = await createOrg(url)
    const auth = bearer(admin.accessToken)
    const room = await api(url, 'POST', '/rooms', { name: 'Embedded' }, auth)
    assert.equal(room.status, 201)
    const sent = []
    for (let i = 1; i <= 3; i++)
      sent.push((await api(url, 'POST', '/messages', { room_id: room.body.id, body: `e${i}` }, auth)).body)
    const db = app.get('postgresqlClient')
    // DIRECT DATABASE WRITE: back-dating is the only way to get an expired message in a test.
    await db('messages')
      .where({ id: sent[0].id })
      .update({ created_at: db.raw("now() - interval '91 days'") })

    const runtime = app.get('jobRuntime')
    const job = await settle(runtime, () => runtime.enqueue('retention.purge', { org_id: orgId }))
    assert.equal(job.state, 'completed')
    const seqs = (await db('messages').where({ room_id: room.body.id }).orderBy('seq').pluck('seq')).map(
      Number
    )
    assert.deepEqual(seqs, [2, 3])

    // Called directly on PGlite it reports real counts too.
    await db('messages')
      .where({ id: sent[1].id })
      .update({ created_at: db.raw("now() - interval '91 days'") })
    assert.deepEqual(await purgeExpiredMessages(db, { orgId, batchSize: 10 }), {
      orgs: 1,
      rooms: 1,
      deleted: 1
    })

    const listed = await api(url, 'GET', '/jobs?name=retention.purge', undefined, auth)
    assert.equal(listed.status, 200)
    assert.deepEqual(
      listed.body.data.map((j: any) => [j.id, j.state, j.org_id]),
      [[String(job._id), 'completed', orgId]]
    )
    assert.equal(await runtime.pruneFinished(new Date(Date.now() + 1000)), 1)
  })

  it('retries a failed attempt with backoff by polling', async () => {
    const runtime = app.get('jobRuntime')
    const job = await settle(
      runtime,
      () => runtime.enqueue(flaky.name, {}),
      (j) => j.state === 'completed'
    )
    assert.ok(job.failedAt, 'the first attempt failed')
    assert.ok(new Date(job.lastFinishedAt!) > new Date(job.failedAt!))
  })
})
