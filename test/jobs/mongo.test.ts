// The MongoDB job store (jobs.mongoUrl / MONGODB_URL): runs only where MONGODB_URL points at a MongoDB server;
// everywhere else it is skipped with a message (these machines have no MongoDB server).
import assert from 'node:assert/strict'
import type { TestServer } from '../helpers/server'
import { api, bearer, createOrg } from '../helpers/fixtures'
import { settle, startJobsServer } from './helpers'

describe('jobs on MongoDB (MONGODB_URL)', function () {
  this.timeout(60000)
  let server: TestServer | undefined

  before(function () {
    if (!process.env.MONGODB_URL) {
      console.log('    skipped: set MONGODB_URL to a MongoDB server to test the MongoDB job store')
      this.skip()
    }
  })
  after(async () => {
    await server?.stop()
  })

  it('stores, runs, lists and prunes jobs in MongoDB', async () => {
    server = await startJobsServer({ mongoUrl: process.env.MONGODB_URL!, processEveryMs: 100 })
    const runtime = server.app.get('jobRuntime')
    assert.equal(runtime.store, 'mongodb')
    const { admin, orgId } = await createOrg(server.url)
    const job = await settle(runtime, () => runtime.enqueue('retention.purge', { org_id: orgId }))
    assert.equal(job.state, 'completed')
    const listed = await api(server.url, 'GET', '/jobs', undefined, bearer(admin.accessToken))
    assert.equal(listed.status, 200)
    assert.deepEqual(
      listed.body.data.map((j: any) => [j.id, j.state]),
      [[String(job._id), 'completed']]
    )
    assert.ok((await runtime.pruneFinished(new Date(Date.now() + 1000))) >= 1)
    assert.deepEqual((await runtime.agenda.queryJobs({ data: { org_id: orgId } })).jobs, [])
  })
})
