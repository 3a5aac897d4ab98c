// Authentication over REST and Socket.IO: 15-minute access tokens, rotating refresh tokens with re-use
// detection, logout, suspended accounts, expired tokens.
import assert from 'node:assert/strict'
import jwt from 'jsonwebtoken'
import { sharedServer } from '../../helpers/server'
import { forEachTransport, connect } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg, register } from '../../helpers/fixtures'

forEachTransport('authentication', (transport) => {
  let url: string
  const open: TestClient[] = []
  const anonymous = async () => {
    const tc = await connect(url, transport)
    open.push(tc)
    return tc.client
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('logs in with email and password: a 15-minute access token and a refresh token', async () => {
    const me = await register(url)
    const result = await (
      await anonymous()
    ).authenticate({ strategy: 'local', email: me.email.toUpperCase(), password: me.password })
    const payload = jwt.decode(result.accessToken) as any
    assert.equal(payload.exp - payload.iat, 15 * 60)
    assert.equal(payload.sub, me.id)
    assert.equal(typeof result.refreshToken, 'string')
    assert.ok(!('password' in result.user))
  })

  it('refuses a wrong password and an unknown email with the same error', async () => {
    const me = await register(url)
    const client = await anonymous()
    for (const email of [me.email, `nobody-${me.username}@example.com`]) {
      await assert.rejects(
        client.authenticate({ strategy: 'local', email, password: 'wrong password' }),
        (e: any) => e.name === 'NotAuthenticated' && e.data.code === 'invalid_credentials'
      )
    }
  })

  it('rotates the refresh token on every use and revokes the family when a rotated token comes back', async () => {
    const me = await register(url)
    const auth = (await anonymous()).service('authentication')
    const first = await auth.create({ strategy: 'refresh', refreshToken: me.refreshToken })
    assert.notEqual(first.refreshToken, me.refreshToken)
    assert.equal(first.user.id, me.id)
    const second = await auth.create({ strategy: 'refresh', refreshToken: first.refreshToken })
    assert.equal((jwt.decode(second.accessToken) as any).sid, (jwt.decode(me.accessToken) as any).sid)
    // Re-using the first rotated token is treated as theft: it fails and so does everything in its family.
    await assert.rejects(
      auth.create({ strategy: 'refresh', refreshToken: first.refreshToken }),
      (e: any) => e.data.code === 'refresh_token_reused'
    )
    await assert.rejects(
      auth.create({ strategy: 'refresh', refreshToken: second.refreshToken }),
      (e: any) => e.data.code === 'session_revoked'
    )
    const call = await api(url, 'GET', `/users/${me.id}`, undefined, bearer(second.accessToken))
    assert.equal(call.status, 401)
    assert.equal(call.body.data.code, 'session_revoked')
    // Another login of the same user is a separate session and still works.
    const other = await api(url, 'POST', '/authentication', {
      strategy: 'local',
      email: me.email,
      password: me.password
    })
    assert.equal(
      (await api(url, 'GET', `/users/${me.id}`, undefined, bearer(other.body.accessToken))).status,
      200
    )
  })

  it('lets exactly one of two simultaneous refreshes with one token win', async () => {
    const me = await register(url)
    const auth = (await anonymous()).service('authentication')
    const results = await Promise.allSettled([
      auth.create({ strategy: 'refresh', refreshToken: me.refreshToken }),
      auth.create({ strategy: 'refresh', refreshToken: me.refreshToken })
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  })

  it('refuses malformed and unknown refresh tokens', async () => {
    const auth = (await anonymous()).service('authentication')
    for (const refreshToken of [undefined, 42, 'short', 'x'.repeat(43)]) {
      await assert.rejects(
        auth.create({ strategy: 'refresh', refreshToken } as any),
        (e: any) => e.name === 'NotAuthenticated'
      )
    }
  })

  it('logout ends the session: its refresh token and access token stop working', async () => {
    const me = await register(url)
    const tc = await clientFor(url, transport, me)
    open.push(tc)
    await tc.client.logout()
    const refreshed = await api(url, 'POST', '/authentication', {
      strategy: 'refresh',
      refreshToken: me.refreshToken
    })
    assert.equal(refreshed.status, 401)
    assert.equal(refreshed.body.data.code, 'session_revoked')
    const call = await api(url, 'GET', `/users/${me.id}`, undefined, bearer(me.accessToken))
    assert.equal(call.status, 401)
  })

  it('refuses an expired access token with token_expired', async () => {
    const me = await register(url)
    const sid = (jwt.decode(me.accessToken) as any).sid
    const expired = jwt.sign(
      { sid, sub: me.id, aud: 'chatboard', exp: Math.floor(Date.now() / 1000) - 10 },
      'chatboard-test-secret',
      {
        header: { typ: 'access', alg: 'HS256' }
      }
    )
    const call = await api(url, 'GET', `/users/${me.id}`, undefined, bearer(expired))
    assert.equal(call.status, 401)
    assert.equal(call.body.data.code, 'token_expired')
    const forged = await api(
      url,
      'GET',
      `/users/${me.id}`,
      undefined,
      bearer(jwt.sign({ sid, sub: me.id, aud: 'chatboard' }, 'not-the-secret'))
    )
    assert.equal(forged.body.data.code, 'invalid_token')
  })

  it('refuses suspended and banned users everywhere and drops their live sockets', async () => {
    const { admin } = await createOrg(url)
    const adminUsers = (await clientFor(url, transport, admin)).client.service('users')
    for (const status of ['suspended', 'banned'] as const) {
      const member = await addMember(url, admin)
      const live = await clientFor(url, 'socketio', member)
      open.push(live)
      const dropped = new Promise((resolve) => live.socket!.once('disconnect', resolve))
      await adminUsers.patch(member.id, { status })
      await dropped
      const login = await api(url, 'POST', '/authentication', {
        strategy: 'local',
        email: member.email,
        password: member.password
      })
      assert.equal(login.status, 403)
      assert.equal(login.body.data.code, `account_${status}`)
      const refresh = await api(url, 'POST', '/authentication', {
        strategy: 'refresh',
        refreshToken: member.refreshToken
      })
      assert.equal(refresh.status, 401)
      const call = await api(url, 'GET', `/users/${member.id}`, undefined, bearer(member.accessToken))
      assert.equal(call.status, 401)
      // Restored, they can log in again.
      await adminUsers.patch(member.id, { status: 'active' })
      const back = await api(url, 'POST', '/authentication', {
        strategy: 'local',
        email: member.email,
        password: member.password
      })
      assert.equal(back.status, 201)
    }
  })

  it('refuses calls without credentials with 401', async () => {
    const client = await anonymous()
    await assert.rejects(
      client.service('users').find({}),
      (e: any) => e.name === 'NotAuthenticated' && e.data.code === 'not_authenticated'
    )
    await assert.rejects(client.service('orgs').create({ name: 'x' }), { name: 'NotAuthenticated' })
  })
})
