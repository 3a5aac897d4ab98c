// Jobs across a database outage (issue 9): a job this process claimed but had not started when the connections
// were cut is dropped by Agenda when its first save fails; once the database is back its lock is released and
// it runs, in this process and without a restart, instead of waiting out its 10-minute lock lifetime.
import assert from 'node:assert/strict'
import type { JobDefinition } from '../../src/jobs'
import { heldByAgenda } from '../../src/jobs/recovery'
import type { TestServer } from '../helpers/server'
import { sharedServer } from '../helpers/server'
import { uniq } from '../helpers/fixtures'
import { startTcpProxy } from '../helpers/tcp-proxy'
import type { TcpProxy } from '../helpers/tcp-proxy'
import { startJobsServer, waitUntil } from './helpers'

describe('jobs: a database outage between claiming a job and starting it', function () {
  this.timeout(60000)
  let proxy: TcpProxy
  let server: TestServer
  // The test database directly, not through the proxy.
  const db = () => sharedServer().app.get('postgresqlClient')
  const row = (id: string) => db()('agenda_jobs').where({ id }).first()

  before(async () => {
    const target = new URL(process.env.DATABASE_URL!)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const proxied = new URL(target.toString())
    proxied.port = String(proxy.port)
    server = await startJobsServer(
      { processEveryMs: 300 },
      {
        database: {
          ...sharedServer().app.get('database'),
          url: proxied.toString(),
          connectTimeoutMs: 1000,
          acquireTimeoutMs: 1000
        }
      }
    )
  })
  after(async () => {
    await proxy?.restore()
    await server?.stop()
    await proxy?.close()
  })

  it('runs the job once the database answers again, without waiting out its lock lifetime', async () => {
    const runtime = server.app.get('jobRuntime')
    const agenda = runtime.agenda
    let holding: () => void = () => undefined
    const held = new Promise<void>((resolve) => (holding = resolve))
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    // One at a time: while the first run is held, the second is claimed and waits in this process's queue.
    const definition: JobDefinition<{ hold?: boolean }> = {
      name: uniq('test.outage.'),
      concurrency: 1,
      retry: false,
      run: async ({ data }) => {
        if (!data.hold) return
        holding()
        await gate
      }
    }
    runtime.define(definition)
    await runtime.enqueue(definition.name, { hold: true })
    await held
    const waiting = await runtime.enqueue(definition.name, {})
    await waitUntil(
      async () => heldByAgenda(agenda).includes(waiting.id) && (await row(waiting.id))?.locked_at,
      10000,
      'the second job claimed'
    )

    await proxy.cut()
    release()
    // The first run ends (its final save fails), then the second one's start save fails and Agenda drops it,
    // leaving its row locked by this process.
    await waitUntil(async () => heldByAgenda(agenda).length === 0, 10000, 'Agenda dropping the jobs')
    const stuck = await row(waiting.id)
    assert.ok(stuck.locked_at, 'the dropped job keeps its lock while the database is away')
    assert.equal(stuck.last_modified_by, agenda.attrs.name)
    assert.equal(stuck.last_finished_at, null)

    await proxy.restore()
    const ran = await waitUntil(
      async () => {
        const current = await row(waiting.id)
        return current?.last_finished_at ? current : undefined
      },
      15000,
      'the dropped job running after the outage'
    )
    assert.equal(ran.last_modified_by, agenda.attrs.name)
    assert.equal(ran.locked_at, null)
    assert.equal(ran.fail_count ?? 0, 0)
  })
})
