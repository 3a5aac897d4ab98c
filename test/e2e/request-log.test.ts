// JSON request logs from a real server process: one line per request with request id, user, org, method,
// path, status and latency; the request id is echoed to the client.
import assert from 'node:assert/strict'
import { startProcess } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import { api, bearer, createOrg } from '../helpers/fixtures'

// Waits (bounded) until the process has written a JSON line matching `match`.
const logLine = async (server: ServerProcess, match: (line: any) => boolean, timeoutMs = 10000) => {
  const until = Date.now() + timeoutMs
  for (;;) {
    for (const text of server.output().split('\n')) {
      if (!text.startsWith('{')) continue
      const line = JSON.parse(text)
      if (match(line)) return line
    }
    if (Date.now() > until) throw new Error(`no matching log line in:\n${server.output().slice(-2000)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('request logs', () => {
  let server: ServerProcess
  before(async () => {
    server = await startProcess({ env: { LOG_LEVEL: 'info' } })
  })
  after(() => server?.stop())

  it('writes one JSON line per request with id, user, org, method, path, status and latency', async () => {
    const { admin, orgId } = await createOrg(server.url)
    const res = await fetch(`${server.url}/users/${admin.id}`, {
      headers: { ...bearer(admin.accessToken), 'x-request-id': 'req-log-test-1' }
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('x-request-id'), 'req-log-test-1')
    const line = await logLine(server, (l) => l.requestId === 'req-log-test-1')
    assert.equal(line.msg, 'request')
    assert.equal(line.method, 'GET')
    assert.equal(line.path, `/users/${admin.id}`)
    assert.equal(line.status, 200)
    assert.equal(line.user, admin.id)
    assert.equal(line.org, orgId)
    assert.equal(typeof line.latencyMs, 'number')
    assert.equal(typeof line.time, 'number')
    // Requests without an id get a generated one, and refusals are logged with their status too.
    const refused = await api(server.url, 'GET', `/users/${admin.id}`)
    assert.equal(refused.status, 401)
    const generated = refused.headers.get('x-request-id')!
    assert.match(generated, /^[0-9a-f-]{36}$/)
    const refusedLine = await logLine(server, (l) => l.requestId === generated)
    assert.equal(refusedLine.status, 401)
    assert.equal(refusedLine.user, undefined)
  })
})
