// /metrics figures read from outside the call path: the outbox gauges (one query when scraped), Redis adapter
// errors (a Redis that is not there), and several processes, each answering for itself on its own endpoint.
import assert from 'node:assert/strict'
import { api, bearer, clientFor, createOrg } from '../helpers/fixtures'
import type { TestClient } from '../helpers/clients'
import { waitUntil } from '../jobs/helpers'
import { startProcesses, stopProcesses } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import { TOKEN, metricsServers, scrape, valueOf } from './metrics-scrape'
import type { Labels, Sample } from './metrics-scrape'

describe('operations: metrics sources', function () {
  this.timeout(30000)
  const { start, stopAll } = metricsServers()
  const open: TestClient[] = []
  after(async () => {
    for (const tc of open) tc.close()
    await stopAll()
  })

  it('reads the outbox backlog and its oldest row when scraped', async () => {
    const { url, app } = await start({ token: TOKEN, port: 0, host: '127.0.0.1' })
    const db = app.get('postgresqlClient')
    // Not due for an hour, so no drainer takes it while we look; 10 minutes old.
    const [row] = await db('outbox')
      .insert({
        topic: 'test.metrics',
        payload: '{}',
        created_at: db.raw("now() - interval '600 seconds'"),
        available_at: db.raw("now() + interval '1 hour'")
      })
      .returning('id')
    try {
      const samples = await scrape(url)
      assert.ok(valueOf(samples, 'outbox_backlog') >= 1)
      assert.ok(valueOf(samples, 'outbox_oldest_age_seconds') >= 600)
    } finally {
      await db('outbox')
        .where({ id: row.id ?? row })
        .del()
    }
  })

  it('counts Redis adapter errors', async () => {
    // Nothing listens on port 1: every connection attempt of the adapter's clients fails.
    const { url } = await start(
      { token: TOKEN, port: 0, host: '127.0.0.1' },
      { redisUrl: 'redis://127.0.0.1:1/0' }
    )
    const before = valueOf(await scrape(url), 'redis_adapter_errors_total')
    await waitUntil(
      async () => valueOf(await scrape(url), 'redis_adapter_errors_total') > before,
      10000,
      'an adapter error counted'
    )
  })

  describe('with several processes', () => {
    let processes: ServerProcess[] = []
    before(async function () {
      this.timeout(240000)
      // A generous start bound: compiling the sources with tsx takes long on a loaded machine.
      processes = await startProcesses(2, { env: { METRICS_TOKEN: TOKEN }, readyTimeoutMs: 100000 })
    })
    after(async () => {
      await stopProcesses(processes)
    })

    it('each process answers for itself on its own endpoint', async () => {
      const [A, B] = processes
      const { admin } = await createOrg(B.url)
      const room = await api(B.url, 'POST', '/rooms', { name: 'Two processes' }, bearer(admin.accessToken))
      assert.equal(room.status, 201)
      const [beforeA, beforeB] = [await scrape(A.url), await scrape(B.url)]
      for (const body of ['one', 'two']) {
        const sent = await api(
          B.url,
          'POST',
          '/messages',
          { room_id: room.body.id, body },
          bearer(admin.accessToken)
        )
        assert.equal(sent.status, 201)
      }
      const device = await clientFor(A.url, 'socketio', admin)
      open.push(device)
      const [afterA, afterB] = [await scrape(A.url), await scrape(B.url)]
      const delta = (after: Sample[], before: Sample[], name: string, labels: Labels = {}) =>
        valueOf(after, name, labels) - valueOf(before, name, labels)
      const posted = { method: 'POST', route: '/messages', status: '201' }
      assert.deepEqual(
        {
          postedA: delta(afterA, beforeA, 'http_requests_total', posted),
          postedB: delta(afterB, beforeB, 'http_requests_total', posted),
          sentA: delta(afterA, beforeA, 'messages_sent_total'),
          sentB: delta(afterB, beforeB, 'messages_sent_total'),
          openedA: delta(afterA, beforeA, 'socket_connections_opened_total'),
          openedB: delta(afterB, beforeB, 'socket_connections_opened_total')
        },
        { postedA: 0, postedB: 2, sentA: 0, sentB: 2, openedA: 1, openedB: 0 }
      )
      assert.notEqual(valueOf(afterA, 'process_start_time_seconds'), 0)
    })
  })
})
