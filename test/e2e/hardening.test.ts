// Hardening (issue 9): the Socket.IO handshake's Origin, closing sockets that never authenticate, JWTs without
// `exp`, hostile paths and NUL bytes (never a 500), 405 for unsupported methods on both transports, and the
// security headers on HTTP responses.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import jwt from 'jsonwebtoken'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../../src/client'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { api, bearer, register } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'

const AUTH_TIMEOUT_MS = 300

describe('hardening', () => {
  let server: TestServer
  let url: string
  let me: Account
  const sockets: Socket[] = []
  before(async () => {
    server = await startServer({ sockets: { authTimeoutMs: AUTH_TIMEOUT_MS } })
    url = server.url
    me = await register(url)
  })
  after(async () => {
    sockets.forEach((socket) => socket.close())
    await server.stop()
  })

  const open = (transport: 'websocket' | 'polling', headers: Record<string, string> = {}) => {
    const socket = io(url, {
      transports: [transport],
      forceNew: true,
      reconnection: false,
      extraHeaders: headers
    })
    sockets.push(socket)
    return new Promise<Socket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket))
      socket.once('connect_error', reject)
    })
  }

  // Emits a raw Feathers call and resolves with the error the server acknowledges with.
  const rawCall = (socket: Socket, event: string, ...args: unknown[]) =>
    new Promise<any>((resolve) => socket.emit(event, ...args, (error: any) => resolve(error)))

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses a foreign Origin on the ${transport} handshake, allows a listed one and none`, async () => {
      await assert.rejects(open(transport, { origin: 'https://evil.example' }))
      const listed = server.app.get('origins')[0]
      assert.equal((await open(transport, { origin: listed })).connected, true)
      assert.equal((await open(transport)).connected, true)
    })
  }

  it('closes a socket that has not authenticated in time, and only that one', async () => {
    const authenticated = await open('websocket')
    await createClient(socketio(authenticated)).authenticate({ strategy: 'jwt', accessToken: me.accessToken })
    const idle = await open('websocket')
    const reason = await new Promise<string>((resolve) => idle.once('disconnect', resolve))
    assert.equal(reason, 'io server disconnect')
    // Connected before the idle one, so its own timer has fired too.
    assert.equal(authenticated.connected, true)
  })

  it('refuses an access token without exp', async () => {
    const secret = server.app.get('authentication')!.secret
    const { header, payload } = jwt.decode(me.accessToken, { complete: true }) as any
    const { exp, ...forever } = payload
    assert.equal(typeof exp, 'number')
    const token = jwt.sign(forever, secret, { header, algorithm: 'HS256' })
    const res = await api(url, 'GET', `/users/${me.id}`, undefined, bearer(token))
    assert.equal(res.status, 401)
    assert.equal(res.body.data.code, 'invalid_token')
    assert.equal((await api(url, 'GET', `/users/${me.id}`, undefined, bearer(me.accessToken))).status, 200)
  })

  it('answers traversal paths 404, never 500', async () => {
    const auth = bearer(me.accessToken)
    for (const path of [
      '/users/..%2F..%2Fetc',
      '/users/..%5C..%5Cwindows',
      '/users/a%5Cb',
      '/users/%2E%2E%2Fetc',
      '/users/x/..%2f'
    ]) {
      const res = await api(url, 'GET', path, undefined, auth)
      assert.equal(res.status, 404, path)
      assert.equal(res.body.data.code, 'not_found', path)
    }
  })

  it('answers paths named like Object.prototype members 404 on REST and Socket.IO', async () => {
    for (const path of ['/constructor', '/users/constructor', '/api-keys/__proto__', '/__proto__/x']) {
      const res = await api(url, 'GET', path, undefined, bearer(me.accessToken))
      assert.equal(res.status, 404, path)
    }
    const socket = await open('websocket')
    for (const path of ['__proto__', 'constructor', 'users/toString']) {
      const error = await rawCall(socket, 'find', path, {})
      assert.equal(error?.name, 'NotFound', path)
    }
  })

  it('refuses NUL bytes with 400 validation_error over REST and Socket.IO', async () => {
    const auth = bearer(me.accessToken)
    const expect400 = (res: { status: number; body: any }, what: string) => {
      assert.equal(res.status, 400, what)
      assert.equal(res.body.data.code, 'validation_error', what)
    }
    expect400(await api(url, 'GET', '/user-search?q=a%00b', undefined, auth), 'query')
    expect400(await api(url, 'GET', '/users/a%00b', undefined, auth), 'path')
    const login = { strategy: 'local', email: `${me.email}\u0000`, password: me.password }
    expect400(await api(url, 'POST', '/authentication', login), 'login email')
    const socket = await open('websocket')
    const client = createClient(socketio(socket))
    await assert.rejects(client.service('authentication').create(login as any), {
      name: 'BadRequest',
      data: { code: 'validation_error' }
    })
    await client.authenticate({ strategy: 'jwt', accessToken: me.accessToken })
    await assert.rejects(client.service('user-search').find({ query: { q: 'a\u0000b' } } as any), {
      name: 'BadRequest',
      data: { code: 'validation_error' }
    })
  })

  it('answers unsupported methods 405 on REST and Socket.IO, never silence', async () => {
    const res = await api(url, 'PUT', `/users/${me.id}`, { name: 'x' }, bearer(me.accessToken))
    assert.equal(res.status, 405)
    const socket = await open('websocket')
    await createClient(socketio(socket)).authenticate({ strategy: 'jwt', accessToken: me.accessToken })
    for (const [event, args] of [
      ['update', ['users', me.id, { name: 'x' }, {}]],
      ['frobnicate', ['users', {}]],
      ['remove', ['user-search', me.id, {}]]
    ] as const) {
      const error = await rawCall(socket, event, ...args)
      assert.equal(error?.name, 'MethodNotAllowed', event)
      assert.equal(error.code, 405, event)
    }
    assert.equal(socket.connected, true)
  })

  it('sends security headers, with a CSP that lets the landing page run its own script', async () => {
    const res = await fetch(`${url}/`)
    assert.equal(res.status, 200)
    const csp = res.headers.get('content-security-policy') ?? ''
    const page = fs.readFileSync(`${server.app.get('public')}/index.html`, 'utf8')
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]
    const hash = crypto.createHash('sha256').update(script).digest('base64')
    assert.ok(csp.includes(`'sha256-${hash}'`), csp)
    assert.ok(csp.includes("default-src 'self'"), csp)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.ok(res.headers.get('strict-transport-security'))
    assert.ok(res.headers.get('x-frame-options'))
    const json = await api(url, 'GET', `/users/${me.id}`, undefined, bearer(me.accessToken))
    assert.equal(json.headers.get('x-content-type-options'), 'nosniff')
  })
})
