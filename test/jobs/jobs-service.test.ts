// The jobs service over REST and Socket.IO: ADMINs list their own org's jobs only (system jobs never), with
// state, failures and retries visible and job data hidden unless a definition exposes it; every other caller
// and every malformed query gets a clean 4xx.
import assert from 'node:assert/strict'
import type { EventEmitter } from 'node:events'
import { sharedServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { forEachTransport } from '../helpers/clients'
import { api, bearer, createOrg, register } from '../helpers/fixtures'
import { clientPool, newKey, staffedOrg, withKey } from '../services/api-keys/helpers'
import type { Staff } from '../services/api-keys/helpers'
import type { JobDefinition } from '../../src/jobs'
import { settle, startJobsServer } from './helpers'

const FIELDS = [
  'details',
  'fail_count',
  'fail_reason',
  'failed_at',
  'id',
  'last_finished_at',
  'last_run_at',
  'name',
  'next_run_at',
  'org_id',
  'repeat_interval',
  'state'
]

// Always fails; its data has one field for admins and one that must stay hidden.
const failingJob: JobDefinition = {
  name: 'test.always-fails',
  retry: { delayMs: 30, factor: 2, maxRetries: 2 },
  adminFields: ['target'],
  run: async ({ data }) => {
    throw new Error(`cannot reach ${data.target}`)
  }
}

forEachTransport('jobs service', (transport) => {
  let url: string
  let staff: Staff
  let worker: TestServer
  const pool = clientPool(transport)
  const jobsOf = async (account: Staff['ADMIN']) => (await pool.client(url, account)).service('jobs')
  const runtime = () => sharedServer().app.get('jobRuntime')
  const purge = (orgId: string) =>
    settle(runtime(), () => runtime().enqueue('retention.purge', { org_id: orgId }))

  before(async () => {
    url = sharedServer().url
    staff = await staffedOrg(url)
    // A private process with fast polling runs the failing job (the shared server does not define it).
    worker = await startJobsServer({ processEveryMs: 100 })
    worker.app.get('jobRuntime').define(failingJob)
  })
  after(async () => {
    pool.closeAll()
    await worker.stop()
    await runtime().agenda.cancel({ name: failingJob.name })
  })

  // Each test lists the jobs of orgs it created itself, so it passes alone and in any order.
  it("lists the caller's org jobs with their state, and never another org's or a system job", async () => {
    const { admin, orgId } = await createOrg(url)
    const other = await createOrg(url)
    const mine = [await purge(orgId), await purge(orgId)]
    const theirs = await purge(other.orgId)
    const page = await (await jobsOf(admin)).find({ query: { $limit: 100 } })
    assert.equal(page.total, 2)
    for (const job of page.data) {
      assert.deepEqual(Object.keys(job).sort(), FIELDS)
      assert.equal(job.org_id, orgId)
    }
    assert.deepEqual(page.data.map((job: any) => job.id).sort(), mine.map((job) => String(job._id)).sort())
    const listed = page.data.find((job: any) => job.id === String(mine[0]._id))!
    assert.equal(listed.name, 'retention.purge')
    assert.equal(listed.state, 'completed')
    assert.deepEqual(listed.details, {})
    assert.ok(!Number.isNaN(Date.parse(listed.last_finished_at!)))
    // System jobs (no org) exist, but only internal calls see them.
    const internal = await sharedServer()
      .app.service('jobs')
      .find({ query: { name: 'retention.purge', $limit: 100 } })
    assert.ok(internal.data.some((job) => job.org_id === null && job.repeat_interval === '3600000'))
    const theirPage = await (await jobsOf(other.admin)).find({})
    assert.deepEqual(
      theirPage.data.map((job: any) => job.id),
      [String(theirs._id)]
    )
  })

  it('filters by name and state and pages with $limit/$skip', async () => {
    const { admin, orgId } = await createOrg(url)
    const mine = [await purge(orgId), await purge(orgId), await purge(orgId)]
    const ids = mine.map((job) => String(job._id)).sort()
    const jobs = await jobsOf(admin)
    const all = await jobs.find({ query: { name: 'retention.purge' } })
    assert.equal(all.total, 3)
    assert.deepEqual(all.data.map((job: any) => job.id).sort(), ids)
    const pages = []
    for (let skip = 0; skip < 3; skip++) {
      const page = await jobs.find({ query: { name: 'retention.purge', $limit: 1, $skip: skip } })
      assert.equal(page.total, 3)
      assert.equal(page.data.length, 1)
      pages.push(page.data[0].id)
    }
    assert.deepEqual(pages.sort(), ids)
    const counted = await jobs.find({ query: { $limit: 0 } })
    assert.deepEqual(counted.data, [])
    assert.equal(counted.total, 3)
    assert.equal((await jobs.find({ query: { state: 'completed', name: 'retention.purge' } })).total, 3)
    assert.equal((await jobs.find({ query: { state: 'failed', name: 'retention.purge' } })).total, 0)
    assert.equal((await jobs.find({ query: { name: 'no.such.job' } })).total, 0)
  })

  it('shows a failing job retried with backoff and then failed, with its reason but not its hidden data', async () => {
    const { admin, orgId } = await createOrg(url)
    const remote = worker.app.get('jobRuntime')
    const retries: number[] = []
    const onRetry = (_job: unknown, details: { delay: number }) => retries.push(details.delay)
    ;(remote.agenda as unknown as EventEmitter).on('retry', onRetry)
    const failed = await settle(
      remote,
      () =>
        remote.enqueue('test.always-fails', {
          org_id: orgId,
          target: 'hooks.example',
          secret_note: 'hidden'
        }),
      (job) => job.state === 'failed' && !job.nextRunAt
    ).finally(() => (remote.agenda as unknown as EventEmitter).off('retry', onRetry))
    assert.deepEqual(retries, [30, 60])
    // Listed by the process that knows the definition (its adminFields decide what data is shown).
    const viaWorker = (await pool.client(worker.url, admin)).service('jobs')
    const page = await viaWorker.find({ query: { name: 'test.always-fails', state: 'failed' } })
    assert.equal(page.total, 1)
    const [listed] = page.data
    assert.equal(listed.id, String(failed._id))
    assert.equal(listed.fail_count, 3)
    assert.equal(listed.fail_reason, 'cannot reach hooks.example')
    assert.equal(listed.next_run_at, null)
    assert.deepEqual(listed.details, { target: 'hooks.example' })
    assert.ok(!JSON.stringify(listed).includes('hidden'))
  })

  it('refuses MANAGERs, MEMBERs, users without an org, API keys and anonymous callers', async () => {
    for (const role of ['MANAGER', 'MEMBER'] as const) {
      await assert.rejects(
        (await jobsOf(staff[role])).find({}),
        (e: any) => e.name === 'Forbidden' && e.data.code === 'role_required'
      )
    }
    const loner = await jobsOf(await register(url))
    await assert.rejects(loner.find({}), (e: any) => e.name === 'Forbidden' && e.data.code === 'no_org')
    const { key } = await newKey(url, staff.ADMIN, ['audit:read'])
    const viaKey = await api(url, 'GET', '/jobs', undefined, withKey(key))
    assert.equal(viaKey.status, 403)
    assert.equal(viaKey.body.data.code, 'scope_missing')
    assert.equal((await api(url, 'GET', '/jobs')).status, 401)
  })

  it('answers malformed queries with 400, never 500', async () => {
    const jobs = await jobsOf(staff.ADMIN)
    const other = await createOrg(url)
    const bad = [
      { state: 'bogus' },
      { $limit: 1000 },
      { $limit: -1 },
      { $skip: 'x' },
      { org_id: other.orgId },
      { $sort: { name: 1 } },
      { data: { org_id: other.orgId } },
      { name: '' }
    ]
    for (const query of bad) {
      await assert.rejects(
        jobs.find({ query } as any),
        (e: any) => e.code === 400 && e.data?.code === 'validation_error',
        JSON.stringify(query)
      )
    }
    for (const qs of [
      'state=bogus',
      '$limit=abc',
      'org_id=x',
      '$sort[name]=1',
      'name[$ne]=x',
      'name=' + 'x'.repeat(101)
    ]) {
      const res = await api(url, 'GET', `/jobs?${qs}`, undefined, bearer(staff.ADMIN.accessToken))
      assert.equal(res.status, 400, qs)
    }
  })
})
