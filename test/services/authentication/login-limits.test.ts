// Login attempts are limited per email and per client IP (429 rate_limited), on a private server with low limits.
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server'
import type { TestServer } from '../../helpers/server'
import { api, register } from '../../helpers/fixtures'

describe('login rate limits', () => {
  let server: TestServer
  before(async () => {
    // In-memory limiters (no Redis) so counts from the shared server's logins do not leak in.
    server = await startServer({
      redisUrl: '',
      limits: {
        nameLength: 80,
        bioLength: 500,
        loginPerEmail: 3,
        loginPerIp: 6,
        loginWindowSeconds: 600,
        messageLength: 4000,
        unsendWindowSeconds: 3600
      }
    } as any)
  })
  after(() => server.stop())

  it('answers 429 after too many attempts for one email, even with the right password', async () => {
    const me = await register(server.url)
    for (let i = 0; i < 2; i++) {
      assert.equal(
        (
          await api(server.url, 'POST', '/authentication', {
            strategy: 'local',
            email: me.email,
            password: 'nope nope'
          })
        ).status,
        401
      )
    }
    const limited = await api(server.url, 'POST', '/authentication', {
      strategy: 'local',
      email: me.email,
      password: me.password
    })
    assert.equal(limited.status, 429)
    assert.equal(limited.body.name, 'TooManyRequests')
    assert.equal(limited.body.data.code, 'rate_limited')
    assert.ok(limited.body.data.retryAfter > 0)
  })

  it('answers 429 after too many attempts from one IP across emails', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const res = await api(server.url, 'POST', '/authentication', {
        strategy: 'local',
        email: `ip${i}@example.com`,
        password: 'whatever1'
      })
      statuses.push(res.status)
    }
    // register() above logged in once and the first test made 3 attempts: the IP budget of 6 is spent.
    assert.ok(statuses.includes(429), `expected a 429 among ${statuses}`)
    assert.equal(statuses[statuses.length - 1], 429)
  })
})
