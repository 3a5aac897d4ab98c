// Request budgets (issue 9) on a private server with small numbers: REST per user (on Redis), per API key and
// per anonymous IP, registrations per IP, and per Socket.IO connection (sends with a burst, all calls) and new
// connections per IP. Each test owns its keys (its own users and keys, or a random X-Forwarded-For address), so
// Redis-backed counts left by other servers or earlier runs never meet it.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../../src/client'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { api, bearer, createOrg, register, uniq } from '../helpers/fixtures'
import { newKey, withKey } from '../services/api-keys/helpers'

const SENDS = 3
const BURST = 2
const CALLS = 20
const CONNECTIONS = 3

// A fresh client address per call, from the private 10/8 range.
const anyIp = () => `10.${[0, 0, 0].map(() => crypto.randomInt(1, 255)).join('.')}`

describe('rate limits', () => {
  let server: TestServer
  let anonymous: TestServer
  let url: string
  const sockets: Socket[] = []
  before(async () => {
    // Anonymous budgets on their own in-memory server: the fixtures here register from the peer address.
    anonymous = await startServer({
      trustProxy: true,
      redisUrl: '',
      limits: {
        ...sharedServer().app.get('limits'),
        restPerMinuteAnonymous: 3,
        registrationsPerIp: 2,
        filesPerMinute: 2
      }
    })
    // Everything else on Redis, as in production.
    server = await startServer({
      trustProxy: true,
      limits: {
        ...sharedServer().app.get('limits'),
        restPerMinute: 5,
        restPerMinuteApiKey: 3,
        socketSendsPerSecond: SENDS,
        socketSendBurst: BURST,
        socketSendBurstSeconds: 60,
        socketCallsPerWindow: CALLS,
        socketCallsWindowSeconds: 60,
        socketConnectionsPerMinute: CONNECTIONS
      }
    })
    url = server.url
  })
  after(async () => {
    sockets.forEach((socket) => socket.close())
    await Promise.all([server.stop(), anonymous.stop()])
  })

  const assertLimited = (res: { status: number; body: any; headers: Headers }, window = 60) => {
    assert.equal(res.status, 429)
    assert.equal(res.body.name, 'TooManyRequests')
    assert.equal(res.body.data.code, 'rate_limited')
    assert.ok(
      res.body.data.retryAfter >= 1 && res.body.data.retryAfter <= window,
      String(res.body.data.retryAfter)
    )
    assert.equal(res.headers.get('retry-after'), String(res.body.data.retryAfter))
  }

  const open = async (ip: string) => {
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { 'x-forwarded-for': ip }
    })
    sockets.push(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    return socket
  }

  it('allows 5 REST requests a minute per user (on Redis) and answers the 6th 429 with Retry-After', async () => {
    // Registering and logging in are anonymous calls: their own IP's budget.
    const me = await register(url, {})
    const other = await register(url, {})
    const get = (who: typeof me) => api(url, 'GET', `/users/${who.id}`, undefined, bearer(who.accessToken))
    for (let i = 0; i < 5; i++) assert.equal((await get(me)).status, 200, `request ${i + 1}`)
    assertLimited(await get(me))
    assert.equal((await get(other)).status, 200)
  }).timeout(10000)

  it('gives an API key its own budget, keyed by the key', async () => {
    const { admin } = await createOrg(url)
    // createOrg spent 1 of the admin's 5; the key's 3 are separate.
    const { key } = await newKey(url, admin, ['users:read'])
    const get = () => api(url, 'GET', `/users/${admin.id}`, undefined, withKey(key))
    for (let i = 0; i < 3; i++) assert.equal((await get()).status, 200, `request ${i + 1}`)
    assertLimited(await get())
    assert.equal(
      (await api(url, 'GET', `/users/${admin.id}`, undefined, bearer(admin.accessToken))).status,
      200
    )
  })

  it('limits anonymous REST calls per IP', async () => {
    const from = { 'x-forwarded-for': anyIp() }
    const call = () =>
      api(anonymous.url, 'POST', '/authentication', { strategy: 'jwt', accessToken: 'nope' }, from)
    for (let i = 0; i < 3; i++) assert.equal((await call()).status, 401)
    assertLimited(await call())
    const elsewhere = { 'x-forwarded-for': anyIp() }
    const res = await api(
      anonymous.url,
      'POST',
      '/authentication',
      { strategy: 'jwt', accessToken: 'x' },
      elsewhere
    )
    assert.equal(res.status, 401)
  })

  it('limits requests to signed /files URLs per IP, before the signature is even checked', async () => {
    const file = (ip: string) =>
      api(anonymous.url, 'GET', `/files/${crypto.randomUUID()}?expires=1&signature=x`, undefined, {
        'x-forwarded-for': ip
      })
    const ip = anyIp()
    for (let i = 0; i < 2; i++) assert.equal((await file(ip)).status, 403)
    assertLimited(await file(ip))
    assert.equal((await file(anyIp())).status, 403, 'another address has its own budget')
  })

  it('limits registrations per IP', async () => {
    const signUp = (ip: string) => {
      const username = uniq('reg')
      const data = { email: `${username}@example.com`, username, name: username, password: 'correct horse 1' }
      return api(anonymous.url, 'POST', '/users', data, { 'x-forwarded-for': ip })
    }
    const ip = anyIp()
    assert.equal((await signUp(ip)).status, 201)
    assert.equal((await signUp(ip)).status, 201)
    assertLimited(await signUp(ip), anonymous.app.get('limits').registrationWindowSeconds)
    assert.equal((await signUp(anyIp())).status, 201)
  })

  it('allows 3 sends a second plus a burst of 2 per connection; the socket stays connected', async () => {
    const { admin } = await createOrg(url)
    const socket = await open(anyIp())
    const client = createClient(socketio(socket))
    await client.authenticate({ strategy: 'jwt', accessToken: admin.accessToken })
    const room = await client.service('rooms').create({ name: uniq('Room ') })
    const sends = Array.from({ length: SENDS + BURST + 1 }, (_, i) =>
      client.service('messages').create({ room_id: room.id, body: `m${i}`, client_msg_id: `c-${i}` })
    )
    const results = await Promise.allSettled(sends)
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    assert.equal(results.length - refused.length, SENDS + BURST)
    assert.equal(refused.length, 1)
    assert.equal(refused[0].reason.name, 'TooManyRequests')
    assert.equal(refused[0].reason.data.code, 'rate_limited')
    assert.ok(refused[0].reason.data.retryAfter >= 1)
    // Still connected and answering other calls; the refused send wrote nothing.
    assert.equal(socket.connected, true)
    const page: any = await client.service('messages').find({ query: { room_id: room.id } })
    assert.equal(page.data.length, SENDS + BURST)
  })

  it(`answers call number ${CALLS + 1} on one connection 429, and only on that connection`, async () => {
    const { admin } = await createOrg(url)
    const socket = await open(anyIp())
    const client = createClient(socketio(socket))
    await client.authenticate({ strategy: 'jwt', accessToken: admin.accessToken })
    let accepted = 1 // the authentication call
    for (;;) {
      try {
        await client.service('rooms').find({})
        accepted++
      } catch (error: any) {
        assert.equal(error.name, 'TooManyRequests')
        assert.equal(error.data.code, 'rate_limited')
        break
      }
      assert.ok(accepted <= CALLS, 'never refused')
    }
    assert.equal(accepted, CALLS)
    assert.equal(socket.connected, true)
    const fresh = createClient(socketio(await open(anyIp())))
    await fresh.authenticate({ strategy: 'jwt', accessToken: admin.accessToken })
    await fresh.service('rooms').find({})
  })

  it('refuses the 4th new socket connection a minute from one IP with code rate_limited', async () => {
    const ip = anyIp()
    for (let i = 0; i < CONNECTIONS; i++) await open(ip)
    await assert.rejects(open(ip), (error: any) => {
      assert.equal(error.data?.code, 'rate_limited')
      assert.ok(error.data.retryAfter >= 1)
      return true
    })
    await open(anyIp())
  })
})
