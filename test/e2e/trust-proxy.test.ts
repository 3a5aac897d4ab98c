// TRUST_PROXY on both transports: the client IP (audit log, per-IP login budget) follows X-Forwarded-For only
// when the proxy is trusted, by Koa's own rule, over REST and over Socket.IO (websocket and polling) alike.
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Koa } from '@feathersjs/koa'
import { io } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../../src/client'
import { clientIp } from '../../src/client-ip'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { api, uniq } from '../helpers/fixtures'

type Way = 'rest' | 'websocket' | 'polling'

// One login attempt from a client behind whatever X-Forwarded-For says; answers the HTTP status (or error code).
const attempt = async (url: string, way: Way, forwardedFor: string, email: string, password: string) => {
  const headers = { 'x-forwarded-for': forwardedFor }
  const body = { strategy: 'local', email, password }
  if (way === 'rest') return (await api(url, 'POST', '/authentication', body, headers)).status
  const socket = io(url, { transports: [way], forceNew: true, reconnection: false, extraHeaders: headers })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    await createClient(socketio(socket)).authenticate(body)
    return 201
  } catch (error: any) {
    if (typeof error?.code !== 'number') throw error
    return error.code as number
  } finally {
    socket.close()
  }
}

describe('client IP', () => {
  it("is Koa's ctx.ip for every header shape, trusted or not, with or without maxIpsCount", () => {
    const values = [
      undefined,
      '',
      '203.0.113.7',
      '203.0.113.7, 10.0.0.1',
      ' 203.0.113.7 ,10.0.0.1,10.0.0.2',
      ',10.0.0.1',
      'not-an-ip, 10.0.0.1',
      '2001:db8::1, 10.0.0.1'
    ]
    let compared = 0
    for (const proxy of [false, true])
      for (const maxIpsCount of [0, 1, 2])
        for (const proxyIpHeader of ['X-Forwarded-For', 'X-Real-IP'])
          for (const value of values)
            for (const remoteAddress of ['127.0.0.1', undefined]) {
              const koa = new Koa({ proxy, maxIpsCount, proxyIpHeader })
              const headers = value === undefined ? {} : { [proxyIpHeader.toLowerCase()]: value }
              const req = { headers, socket: { remoteAddress }, url: '/', method: 'GET' }
              const ctx = koa.createContext(
                req as unknown as IncomingMessage,
                {} as unknown as ServerResponse
              )
              const label = JSON.stringify({ proxy, maxIpsCount, proxyIpHeader, value, remoteAddress })
              assert.equal(clientIp(koa, headers, remoteAddress), ctx.ip, label)
              compared++
            }
    assert.equal(compared, 2 * 3 * 2 * values.length * 2)
  })

  for (const trustProxy of [true, false]) {
    for (const way of ['rest', 'websocket', 'polling'] as Way[]) {
      describe(`with trustProxy ${trustProxy} [${way}]`, () => {
        let server: TestServer
        before(async () => {
          // In-memory limiters (no Redis): this server's budgets are its own.
          server = await startServer({
            trustProxy,
            redisUrl: '',
            limits: { ...sharedServer().app.get('limits'), loginPerIp: 3, loginPerEmail: 100 }
          })
        })
        after(() => server.stop())

        const auditIp = async (action: string, target: string) => {
          const rows = await server.app.get('postgresqlClient')('audit_logs').where({ action, target })
          assert.equal(rows.length, 1, `${action} ${target}`)
          return rows[0].ip
        }

        it(`audits and limits logins by the ${trustProxy ? 'forwarded' : 'peer'} address`, async () => {
          const username = uniq('proxied')
          const password = 'correct horse 1'
          const user = { email: `${username}@example.com`, username, name: username, password }
          const created = await api(server.url, 'POST', '/users', user)
          assert.equal(created.status, 201)
          const peer = '127.0.0.1'
          const [a, b] = ['203.0.113.5', '198.51.100.9']
          // The left-most entry is the client; the proxies it went through follow.
          assert.equal(await attempt(server.url, way, `${a}, 10.0.0.1`, user.email, password), 201)
          assert.equal(await auditIp('login.succeeded', created.body.id), trustProxy ? a : peer)
          const unknown = `nobody-${username}@example.com`
          assert.equal(await attempt(server.url, way, a, unknown, 'wrong password'), 401)
          assert.equal(await auditIp('login.failed', unknown), trustProxy ? a : peer)
          // Budget of 3 FAILED attempts per IP (the success above spent nothing): the third failure from `a`
          // (or, untrusted, from the peer) is the last one answered.
          assert.equal(await attempt(server.url, way, b, user.email, 'wrong password'), 401)
          assert.equal(await attempt(server.url, way, a, user.email, 'wrong password'), 401)
          assert.equal(
            await attempt(server.url, way, a, user.email, 'wrong password'),
            trustProxy ? 401 : 429
          )
          assert.equal(await attempt(server.url, way, a, user.email, password), 429)
          // Another forwarded client keeps its own budget only when the proxy is trusted.
          assert.equal(await attempt(server.url, way, b, user.email, password), trustProxy ? 201 : 429)
        })
      })
    }
  }
})
