// FAILED login attempts are limited per email+IP and per client IP (429 rate_limited), on a private server with
// low limits; a successful login spends nothing, and one address's failures never lock out another's.
// Each test owns its budgets: its own accounts, and its own client IPs sent as X-Forwarded-For to a server that
// trusts the proxy, so the tests pass alone and in any order.
import assert from 'node:assert/strict'
import { sharedServer, startServer } from '../../helpers/server'
import type { TestServer } from '../../helpers/server'
import { api, uniq } from '../../helpers/fixtures'

describe('login rate limits', () => {
  let server: TestServer
  before(async () => {
    // In-memory limiters (no Redis) so counts from the shared server's logins do not leak in.
    server = await startServer({
      redisUrl: '',
      trustProxy: true,
      limits: {
        ...sharedServer().app.get('limits'),
        loginPerEmail: 3,
        loginPerIp: 6,
        loginWindowSeconds: 600
      }
    })
  })
  after(() => server.stop())

  const from = (ip: string) => ({ 'x-forwarded-for': ip })
  const attempt = (ip: string, email: string, password: string) =>
    api(server.url, 'POST', '/authentication', { strategy: 'local', email, password }, from(ip))
  // An account created without logging in, so no budget is spent before the test's own attempts.
  const account = async () => {
    const username = uniq('limited')
    const data = { email: `${username}@example.com`, username, name: username, password: 'correct horse 1' }
    const created = await api(server.url, 'POST', '/users', data, from('192.0.2.1'))
    assert.equal(created.status, 201)
    return data
  }

  it('answers 429 after too many failed attempts for one email from one IP, even with the right password', async () => {
    const me = await account()
    const ip = '198.51.100.1'
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await attempt(ip, me.email, 'nope nope')).status)
    assert.deepEqual(statuses, [401, 401, 401])
    const limited = await attempt(ip, me.email, me.password)
    assert.equal(limited.status, 429)
    assert.equal(limited.body.name, 'TooManyRequests')
    assert.equal(limited.body.data.code, 'rate_limited')
    assert.ok(limited.body.data.retryAfter > 0)
    assert.ok(limited.body.data.retryAfter <= 600)
  })

  it('answers 429 after too many attempts from one IP across emails, and only to that IP', async () => {
    const ip = '198.51.100.2'
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) {
      statuses.push((await attempt(ip, `${uniq('ip')}@example.com`, 'whatever1')).status)
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429, 429])
    const me = await account()
    assert.equal((await attempt(ip, me.email, me.password)).status, 429)
    assert.equal((await attempt('198.51.100.3', me.email, me.password)).status, 201)
  })

  it('never spends the budget on a successful login', async () => {
    const me = await account()
    const ip = '198.51.100.4'
    for (let i = 0; i < 5; i++) assert.equal((await attempt(ip, me.email, me.password)).status, 201)
    assert.equal((await attempt(ip, me.email, 'nope nope')).status, 401)
    assert.equal((await attempt(ip, me.email, 'nope nope')).status, 401)
    assert.equal((await attempt(ip, me.email, me.password)).status, 201)
    assert.equal((await attempt(ip, me.email, 'nope nope')).status, 401)
    // Three failures now: the budget is spent, and the right password is refused before being checked.
    const limited = await attempt(ip, me.email, me.password)
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), String(limited.body.data.retryAfter))
  })

  it("does not lock out the right password from another IP after someone else's failures", async () => {
    const me = await account()
    for (let i = 0; i < 3; i++) assert.equal((await attempt('198.51.100.5', me.email, 'guess')).status, 401)
    assert.equal((await attempt('198.51.100.5', me.email, me.password)).status, 429)
    assert.equal((await attempt('198.51.100.6', me.email, me.password)).status, 201)
    assert.equal((await attempt('198.51.100.6', me.email, 'typo typo')).status, 401)
    assert.equal((await attempt('198.51.100.6', me.email, me.password)).status, 201)
  })
})
