// OAuth / OpenID Connect login end to end against oauth2-mock-server: real redirects, cookies and tokens.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { connect } from '../helpers/clients'
import { addMember, api, bearer, createOrg, login, register, uniq } from '../helpers/fixtures'
import { FRONTEND, browserLogin, startMockIdp, startOAuthServer } from './oauth-flow'
import type { Claims } from './oauth-flow'

const decodeJwt = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'))

describe('OAuth / OpenID Connect login (e2e)', function () {
  let idp: Awaited<ReturnType<typeof startMockIdp>>
  let server: Awaited<ReturnType<typeof startOAuthServer>>
  let claims: Claims

  before(async () => {
    idp = await startMockIdp(() => claims)
    server = await startOAuthServer(idp.url)
  })

  after(async () => {
    await server?.stop()
    await idp?.stop()
  })

  const oauthLogin = (provider: string, query = '') => browserLogin(server.url, idp.url, provider, query)

  // A successful login: the front end got both tokens; returns the user id from the access token.
  const loginOk = async (provider: string, query = '') => {
    const { final, hash } = await oauthLogin(provider, query)
    assert.equal(hash.get('error'), null, `login refused: ${hash.get('error')} (${hash.get('error_code')})`)
    assert.equal(final.origin, FRONTEND)
    const accessToken = hash.get('access_token')!
    const refreshToken = hash.get('refresh_token')!
    assert.ok(accessToken && refreshToken)
    return { final, accessToken, refreshToken, userId: decodeJwt(accessToken).sub as string }
  }

  const loginRefused = async (provider: string) => {
    const { final, hash } = await oauthLogin(provider)
    assert.equal(final.origin, FRONTEND)
    assert.equal(hash.get('access_token'), null)
    assert.equal(hash.get('refresh_token'), null)
    assert.ok(hash.get('error'))
    return hash.get('error_code')
  }

  const db = () => server.app.get('postgresqlClient')

  it('is not mounted on a server without OAuth keys, and knows only enabled providers', async () => {
    for (const provider of ['google', 'oidc']) {
      const res = await api(sharedServer().url, 'GET', `/oauth/${provider}`)
      assert.equal(res.status, 404)
    }
    for (const path of ['/oauth/github', '/oauth/github/callback']) {
      const res = await api(server.url, 'GET', path)
      assert.equal(res.status, 404)
      assert.equal(res.body.data.code, 'not_found')
    }
    // The flow needs an HTTP cookie session: over Socket.IO it is a clean 405, not a crash.
    const tc = await connect(server.url, 'socketio')
    try {
      await assert.rejects(
        (tc.client as any).service('oauth/oidc').find(),
        (e: any) => e.name === 'MethodNotAllowed' && e.data.code === 'method_not_allowed'
      )
    } finally {
      tc.close()
    }
  })

  it('creates a verified account on first login; the tokens work; a second login is the same user', async () => {
    const local = uniq('ada')
    claims = { sub: uniq('sub-'), email: `${local}@Example.com`, email_verified: true, name: 'Ada Lovelace' }
    const first = await loginOk('oidc', '?redirect=/welcome')
    assert.equal(first.final.pathname, '/welcome')

    const me = await api(server.url, 'GET', `/users/${first.userId}`, undefined, bearer(first.accessToken))
    assert.equal(me.status, 200)
    assert.equal(me.body.email, `${local}@example.com`)
    assert.equal(me.body.username, local)
    assert.equal(me.body.name, 'Ada Lovelace')
    assert.equal(me.body.email_verified, true)
    assert.ok(!('oidc_id' in me.body) && !('password' in me.body))
    const row = await db()('users').where({ id: first.userId }).first()
    assert.equal(row.oidc_id, claims.sub)
    assert.equal(row.password, null)

    const refreshed = await api(server.url, 'POST', '/authentication', {
      strategy: 'refresh',
      refreshToken: first.refreshToken
    })
    assert.equal(refreshed.status, 201)
    assert.equal(refreshed.body.user.id, first.userId)
    assert.ok(refreshed.body.accessToken && refreshed.body.refreshToken !== first.refreshToken)

    const audit = await db()('audit_logs').where({ action: 'login.succeeded', actor_id: first.userId })
    assert.equal(audit.length, 1)
    assert.deepEqual(audit[0].meta, { strategy: 'oidc' })

    const second = await loginOk('oidc')
    assert.equal(second.userId, first.userId)
    assert.notEqual(second.refreshToken, first.refreshToken)

    // Same local part elsewhere: a new account with a derived, unique username.
    claims = { sub: uniq('sub-'), email: `${local}@other.example`, email_verified: true }
    const other = await loginOk('oidc')
    assert.notEqual(other.userId, first.userId)
    const otherRow = await db()('users').where({ id: other.userId }).first()
    assert.match(otherRow.username, new RegExp(`^${local}-[0-9a-f]{6}$`))
    assert.equal(otherRow.name, otherRow.username)
  })

  it('links a password account with the same verified email and retires its unproven password', async () => {
    const account = await register(server.url)
    const before = await db()('users').where({ id: account.id }).first()
    claims = {
      sub: uniq('sub-'),
      email: account.email.toUpperCase(),
      email_verified: true,
      name: 'Someone Else'
    }
    const linked = await loginOk('oidc')
    assert.equal(linked.userId, account.id)
    const row = await db()('users').where({ id: account.id }).first()
    assert.equal(row.oidc_id, claims.sub)
    assert.equal(row.email_verified, true)
    assert.equal(row.name, before.name)
    const me = await api(server.url, 'GET', `/users/${account.id}`, undefined, bearer(linked.accessToken))
    assert.equal(me.status, 200)

    // Whoever set the password never proved the address: password and earlier sessions are gone.
    const old = await api(server.url, 'GET', `/users/${account.id}`, undefined, bearer(account.accessToken))
    assert.equal(old.status, 401)
    assert.equal(old.body.data.code, 'session_revoked')
    await assert.rejects(login(server.url, account.email, account.password), /invalid_credentials/)
    const audit = await db()('audit_logs')
      .where({ action: 'user.oauth_linked', actor_id: account.id })
      .first()
    assert.deepEqual(audit.meta, { strategy: 'oidc', password_cleared: true })
  })

  it('refuses an unverified email: no link to an existing account and no new account', async () => {
    const account = await register(server.url)
    claims = { sub: uniq('sub-'), email: account.email, email_verified: false }
    assert.equal(await loginRefused('oidc'), 'oauth_email_unverified')
    const row = await db()('users').where({ id: account.id }).first()
    assert.equal(row.oidc_id, null)
    await login(server.url, account.email, account.password)

    const fresh = `${uniq('nov')}@example.com`
    claims = { sub: uniq('sub-'), email: fresh }
    assert.equal(await loginRefused('oidc'), 'oauth_email_unverified')
    assert.equal((await db()('users').where({ email: fresh })).length, 0)
    const failed = await db()('audit_logs').where({ action: 'login.failed', target: fresh }).first()
    assert.deepEqual(failed.meta, { strategy: 'oidc', reason: 'oauth_email_unverified' })
  })

  it('refuses suspended users, linked or not, and links nothing for them', async () => {
    const { admin } = await createOrg(server.url)
    const member = await addMember(server.url, admin)
    const other = await addMember(server.url, admin)
    claims = { sub: uniq('sub-'), email: member.email, email_verified: true }
    const linked = await loginOk('oidc')
    assert.equal(linked.userId, member.id)
    for (const target of [member, other]) {
      const res = await api(
        server.url,
        'PATCH',
        `/users/${target.id}`,
        { status: 'suspended' },
        bearer(admin.accessToken)
      )
      assert.equal(res.status, 200)
    }
    assert.equal(await loginRefused('oidc'), 'account_suspended')

    claims = { sub: uniq('sub-'), email: other.email, email_verified: true }
    assert.equal(await loginRefused('oidc'), 'account_suspended')
    const row = await db()('users').where({ id: other.id }).first()
    assert.equal(row.oidc_id, null)
    assert.notEqual(row.password, null)
  })

  it('signs in with Google claims (verified_email) into google_id', async () => {
    const email = `${uniq('g')}@gmail.example`
    claims = { sub: uniq('1'), email, verified_email: true, name: 'Grace Hopper' }
    const first = await loginOk('google')
    const row = await db()('users').where({ id: first.userId }).first()
    assert.equal(row.google_id, claims.sub)
    assert.equal(row.oidc_id, null)
    assert.equal(row.email, email)

    // The same verified address through the generic provider links to the same account.
    claims = { sub: uniq('sub-'), email, email_verified: true }
    const viaOidc = await loginOk('oidc')
    assert.equal(viaOidc.userId, first.userId)
    const audit = await db()('audit_logs')
      .where({ action: 'login.succeeded', actor_id: first.userId })
      .orderBy('created_at')
    assert.deepEqual(
      audit.map((entry: any) => entry.meta.strategy),
      ['google', 'oidc']
    )
  })

  it('refuses an ID token whose subject differs from the profile, and a callback without the session', async () => {
    claims = {
      sub: uniq('sub-'),
      email: `${uniq('mix')}@example.com`,
      email_verified: true,
      idTokenSub: 'someone-else'
    }
    assert.equal(await loginRefused('oidc'), 'oauth_subject_mismatch')

    // A forged callback (login CSRF): no session cookie, so no state to match; nothing is signed in.
    const res = await fetch(`${server.url}/oauth/oidc/callback?code=abc&state=def`, { redirect: 'manual' })
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('location'), null)
  })
})
