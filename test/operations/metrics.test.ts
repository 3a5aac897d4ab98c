// GET /metrics: who may scrape (token, admin port, off by default), that the text parses as Prometheus
// exposition, and exact counter deltas after a known workload (REST and socket sends, a socket opened and
// closed, a rate-limit rejection, jobs). Counters are per process (src/metrics.ts): each delta is read on
// series only this workload touches, between two scrapes.
import assert from 'node:assert/strict'
import net from 'node:net'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { addMember, api, bearer, clientFor, createOrg, uniq } from '../helpers/fixtures'
import type { TestClient } from '../helpers/clients'
import { record } from '../helpers/events'
import { settle, waitUntil } from '../jobs/helpers'
import { startProcesses, stopProcesses } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import type { JobDefinition } from '../../src/jobs'
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { configurationValidator } from '../../src/configuration'

const TOKEN = 'metrics-test-token-0123456789'
const auth = { authorization: `Bearer ${TOKEN}` }

type Labels = Record<string, string>
interface Sample {
  name: string
  labels: Labels
  value: number
}

// A small parser of the text format: every line is a comment (# HELP / # TYPE) or a sample; anything else
// fails the test. Each sample's metric family must have been declared by a # TYPE line before it.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.e+-]+|NaN|\+Inf|-Inf))$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
const parse = (text: string): Sample[] => {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      types.set(type[1], type[2])
      continue
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue
    const match = SAMPLE.exec(line)
    assert.ok(match, `not a Prometheus sample line: ${line}`)
    const [, name, rawLabels = '', value] = match
    const family = name.replace(/_(bucket|sum|count)$/, '')
    assert.ok(types.has(name) || types.has(family), `sample before its # TYPE: ${line}`)
    const labels: Labels = {}
    for (const [, key, val] of rawLabels.matchAll(LABEL)) labels[key] = val
    samples.push({ name, labels, value: Number(value) })
  }
  return samples
}

const sameLabels = (a: Labels, b: Labels) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v)

// A series' value; 0 when it does not exist yet (a counter that was never incremented).
const valueOf = (samples: Sample[], name: string, labels: Labels = {}) =>
  samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value ?? 0

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

describe('operations: metrics', function () {
  this.timeout(30000)
  const servers: TestServer[] = []
  const open: TestClient[] = []
  const start = async (metrics: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const server = await startServer({ metrics, ...extra } as any)
    servers.push(server)
    return server
  }
  after(async () => {
    for (const tc of open) tc.close()
    await Promise.all(servers.map((s) => s.stop()))
  })

  const scrape = async (url: string) => {
    const res = await fetch(`${url}/metrics`, { headers: auth })
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
    return parse(await res.text())
  }

  it('is off (404) when neither a token nor an admin port is configured', async () => {
    const res = await api(sharedServer().url, 'GET', '/metrics')
    assert.equal(res.status, 404)
    assert.equal(res.body.data.code, 'not_found')
  })

  it('asks for the bearer token (401) and answers with it', async () => {
    const { url } = await start({ token: TOKEN, port: 0, host: '127.0.0.1' })
    const none = await api(url, 'GET', '/metrics')
    assert.equal(none.status, 401)
    assert.equal(none.body.data.code, 'not_authenticated')
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/)
    const wrong = await api(url, 'GET', '/metrics', undefined, bearer(`${TOKEN}x`))
    assert.equal(wrong.status, 401)
    const samples = await scrape(url)
    // Process metrics and this app's scrape-time gauges are there, with sane values.
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']) {
      assert.ok(
        samples.some((s) => s.name === name),
        `${name} missing`
      )
    }
    for (const name of ['db_pool_used', 'db_pool_free', 'db_pool_pending', 'outbox_backlog']) {
      const sample = samples.find((s) => s.name === name)
      assert.ok(sample && sample.value >= 0, `${name} missing or negative`)
    }
    assert.ok(valueOf(samples, 'outbox_oldest_age_seconds') >= 0)
    assert.ok(valueOf(samples, 'jobs_queue_depth') >= 0)
    assert.ok(valueOf(samples, 'socket_connections_open') >= 0)
  })

  it('serves only on the admin port when one is set (the public port answers 404)', async () => {
    const port = await freePort()
    const { url } = await start({ token: TOKEN, port, host: '127.0.0.1' })
    assert.equal((await api(url, 'GET', '/metrics', undefined, auth)).status, 404)
    const admin = `http://127.0.0.1:${port}`
    assert.equal((await fetch(`${admin}/metrics`)).status, 401)
    assert.equal((await fetch(`${admin}/other`, { headers: auth })).status, 404)
    const res = await fetch(`${admin}/metrics`, { headers: auth })
    assert.equal(res.status, 200)
    assert.ok(parse(await res.text()).some((s) => s.name === 'http_requests_total'))
  })

  it('counts a known workload exactly', async () => {
    const loginLimits = { ...sharedServer().app.get('limits'), loginPerEmail: 1 }
    const server = await start({ token: TOKEN, port: 0, host: '127.0.0.1' }, { limits: loginLimits })
    const { url, app } = server
    const ok: JobDefinition = { name: `test.metrics.ok.${uniq()}`, run: async () => undefined, retry: false }
    const bad: JobDefinition = {
      name: `test.metrics.bad.${uniq()}`,
      run: async () => {
        throw new Error('planned failure')
      },
      retry: false
    }
    const runtime = app.get('jobRuntime')
    runtime.define(ok)
    runtime.define(bad)

    // Set-up outside the measured window: two members of a room, both online over Socket.IO.
    const { admin: alice } = await createOrg(url)
    const bob = await addMember(url, alice)
    const aliceLive = await clientFor(url, 'socketio', alice)
    const bobLive = await clientFor(url, 'socketio', bob)
    open.push(aliceLive, bobLive)
    const room = await aliceLive.client.service('rooms').create({ name: 'Metrics', member_ids: [bob.id] }, {})
    const aliceEvents = record(aliceLive.client, ['messages'], ['created'])

    const before = await scrape(url)
    const N = 3
    const M = 2
    for (let i = 0; i < N; i++) {
      const sent = await api(
        url,
        'POST',
        '/messages',
        { room_id: room.id, body: `rest ${i}` },
        bearer(alice.accessToken)
      )
      assert.equal(sent.status, 201)
    }
    for (let i = 0; i < M; i++)
      await bobLive.client.service('messages').create({ room_id: room.id, body: `socket ${i}` })
    await aliceEvents.waitFor((r) => r.data.body === `socket ${M - 1}`)
    // Routes are labelled by template, never by the raw URL.
    assert.equal(
      (await api(url, 'GET', `/rooms/${room.id}`, undefined, bearer(alice.accessToken))).status,
      200
    )
    assert.equal((await api(url, 'GET', `/no-such-service/${room.id}`)).status, 404)
    // One more socket, opened and closed.
    const extra = await clientFor(url, 'socketio', bob)
    extra.close()
    // A wrong password spends the account's one point; the next attempt is refused before any check.
    const wrong = await api(url, 'POST', '/authentication', {
      strategy: 'local',
      email: bob.email,
      password: 'nope nope 1'
    })
    assert.equal(wrong.status, 401)
    const limited = await api(url, 'POST', '/authentication', {
      strategy: 'local',
      email: bob.email,
      password: bob.password
    })
    assert.equal(limited.status, 429)
    // Jobs: one success and one failure.
    await settle(runtime, () => runtime.enqueue(ok.name, {}))
    await settle(runtime, () => runtime.enqueue(bad.name, {}))

    // The server sees the extra socket's close a moment after the client: wait for it, bounded.
    const closedBefore = valueOf(before, 'socket_connections_closed_total')
    const after = await waitUntil(
      async () => {
        const samples = await scrape(url)
        return valueOf(samples, 'socket_connections_closed_total') > closedBefore && samples
      },
      5000,
      'the extra socket counted as closed'
    )

    const delta = (name: string, labels: Labels = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels)
    const messagesCreate = { service: 'messages', method: 'create', outcome: 'ok' }
    assert.deepEqual(
      {
        restRequests: delta('http_requests_total', { method: 'POST', route: '/messages', status: '201' }),
        restLatency: delta('http_request_duration_seconds_count', {
          method: 'POST',
          route: '/messages',
          status: '201'
        }),
        restCalls: delta('service_calls_total', { ...messagesCreate, transport: 'rest' }),
        socketCalls: delta('service_calls_total', { ...messagesCreate, transport: 'socketio' }),
        socketLatency: delta('service_call_duration_seconds_count', {
          ...messagesCreate,
          transport: 'socketio'
        }),
        sent: delta('messages_sent_total'),
        broadcasts: delta('event_broadcasts_total', { event: 'messages created' }),
        // Alice's and Bob's sockets, both on this process, for each of the five messages.
        recipients: delta('event_recipients_total', { event: 'messages created' }),
        delivered: delta('message_delivery_latency_seconds_count'),
        opened: delta('socket_connections_opened_total'),
        closed: delta('socket_connections_closed_total'),
        open: delta('socket_connections_open'),
        rejections: delta('rate_limit_rejections_total', { limit: 'login-email' }),
        refusedLogins: delta('service_calls_total', {
          service: 'authentication',
          method: 'create',
          transport: 'rest',
          outcome: 'too-many-requests'
        }),
        roomGet: delta('http_requests_total', { method: 'GET', route: '/rooms/:id', status: '200' }),
        unmatched: delta('http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
        refusedHttp: delta('http_requests_total', {
          method: 'POST',
          route: '/authentication',
          status: '429'
        }),
        jobsOk: delta('jobs_total', { name: ok.name, outcome: 'success' }),
        jobsFailed: delta('jobs_total', { name: bad.name, outcome: 'failure' }),
        jobDurations: delta('job_duration_seconds_count', { name: ok.name })
      },
      {
        restRequests: N,
        restLatency: N,
        restCalls: N,
        socketCalls: M,
        socketLatency: M,
        sent: N + M,
        broadcasts: N + M,
        recipients: 2 * (N + M),
        delivered: N + M,
        opened: 1,
        closed: 1,
        open: 0,
        rejections: 1,
        refusedLogins: 1,
        roomGet: 1,
        unmatched: 1,
        refusedHttp: 1,
        jobsOk: 1,
        jobsFailed: 1,
        jobDurations: 1
      }
    )
    assert.ok(!after.some((s) => Object.values(s.labels).some((v) => v.includes(room.id))))
    // Histogram buckets are cumulative and end with +Inf equal to the count.
    const inf = valueOf(after, 'message_delivery_latency_seconds_bucket', { le: '+Inf' })
    assert.equal(inf, valueOf(after, 'message_delivery_latency_seconds_count'))
  })

  it('refuses a short token in the configuration (empty means none)', async () => {
    const settings = feathers().configure(configuration()).settings as Record<string, any>
    const withMetrics = (token: string) => ({ ...settings, metrics: { token, port: 0, host: '127.0.0.1' } })
    await configurationValidator(withMetrics(''))
    await configurationValidator(withMetrics(TOKEN))
    await assert.rejects(configurationValidator(withMetrics('short')))
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
