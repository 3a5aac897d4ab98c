// GET /metrics: who may scrape (token, admin port, off by default), that the text parses as Prometheus
// exposition, and exact counter deltas after a known workload (REST and socket sends, a socket opened and
// closed, a rate-limit rejection, jobs). Counters are per process (src/metrics.ts): each delta is read on
// series only this workload touches, between two scrapes. Outbox, Redis, several processes: metrics-sources.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { addMember, api, bearer, clientFor, createOrg, uniq } from '../helpers/fixtures'
import type { TestClient } from '../helpers/clients'
import { record } from '../helpers/events'
import { settle, waitUntil } from '../jobs/helpers'
import type { JobDefinition } from '../../src/jobs'
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { configurationValidator } from '../../src/configuration'
import { freePort } from '../helpers/free-port'
import { TOKEN, auth, metricsServers, parse, scrape, valueOf } from './metrics-scrape'
import type { Labels } from './metrics-scrape'

describe('operations: metrics', function () {
  this.timeout(30000)
  const { start, stopAll } = metricsServers()
  const open: TestClient[] = []
  after(async () => {
    for (const tc of open) tc.close()
    await stopAll()
  })

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
    // Every pooled query's wait for a connection is timed (the scrape itself queried the outbox), and GC
    // pauses have sub-millisecond buckets: the bench reads both to find stalls.
    assert.ok(valueOf(samples, 'db_pool_acquire_wait_seconds_count') > 0)
    assert.ok(
      samples.some((s) => s.name === 'nodejs_gc_duration_seconds_bucket' && s.labels.le === '0.0005'),
      'GC pauses in sub-millisecond buckets'
    )
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
        // REST sends reach both sockets; a socket send is not echoed to the socket that sent it.
        recipients: 2 * N + M,
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
})
