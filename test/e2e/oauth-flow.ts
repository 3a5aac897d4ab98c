// Test rig for the OAuth e2e suite: a mock OpenID provider, a ChatBoard server that trusts it, and a
// browser-less driver that follows the redirects with a cookie jar.
import assert from 'node:assert/strict'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { OAuth2Server } from 'oauth2-mock-server'
import type { MutableResponse, MutableToken } from 'oauth2-mock-server'
import { createApp } from '../../src/app'
import type { Application } from '../../src/declarations'
import { sharedServer } from '../helpers/server'

// Where the browser lands after the callback: a front end on another origin, as in production.
export const FRONTEND = 'https://chat.example.test'

export interface Claims {
  sub: string
  email?: string
  email_verified?: boolean
  verified_email?: boolean
  name?: string
  // A different `sub` in the ID token than in userinfo.
  idTokenSub?: string
}

// oauth2-mock-server on 127.0.0.1; `claims()` is read on every userinfo and token request.
export const startMockIdp = async (claims: () => Claims) => {
  const idp = new OAuth2Server()
  await idp.issuer.keys.generate('RS256')
  await idp.start(0, '127.0.0.1')
  idp.service.on('beforeUserinfo', (response: MutableResponse) => {
    const { idTokenSub: _ignored, ...body } = claims()
    response.body = body
  })
  // Fires for the access token and the ID token; both carry the subject, the ID token the nonce as well.
  idp.service.on('beforeTokenSigning', (token: MutableToken) => {
    token.payload.sub = claims().idTokenSub ?? claims().sub
  })
  return { url: `http://127.0.0.1:${idp.address().port}`, stop: () => idp.stop() }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })

// The Grant callback URL is fixed when the app is built, so the port is picked first and publicUrl set to it
// (startServer() listens on port 0, known only afterwards).
export const startOAuthServer = async (idpUrl: string) => {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const endpoints = {
    authorize_url: `${idpUrl}/authorize`,
    access_url: `${idpUrl}/token`,
    profile_url: `${idpUrl}/userinfo`
  }
  const app: Application = createApp({
    database: { url: process.env.DATABASE_URL!, dataDir: './data/test-unused', poolMax: 5 },
    publicUrl: url,
    authentication: {
      ...sharedServer().app.get('authentication')!,
      oauth: {
        origins: [FRONTEND],
        oidc: { key: 'chatboard-client', secret: 'oidc-secret', ...endpoints },
        // Google's own endpoints replaced by the mock's, to exercise the google_id path and Google's claims.
        google: { key: 'google-client', secret: 'google-secret', ...endpoints }
      }
    } as any
  })
  const server = await app.listen(port, '127.0.0.1')
  return {
    app,
    url,
    stop: async () => {
      await app.teardown()
      server.close()
    }
  }
}

// The browser's part: start at ChatBoard, follow the provider's redirect back, keep ChatBoard's cookies.
// Returns the final redirect to the front end and its fragment.
export const browserLogin = async (serverUrl: string, idpUrl: string, provider: string, query = '') => {
  const jar = new Map<string, string>()
  const start = await fetch(`${serverUrl}/oauth/${provider}${query}`, { redirect: 'manual' })
  assert.equal(start.status, 303)
  for (const cookie of start.headers.getSetCookie()) {
    const [pair] = cookie.split(';')
    const eq = pair.indexOf('=')
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1))
  }
  const authorize = new URL(start.headers.get('location')!)
  assert.equal(authorize.origin, idpUrl)
  assert.equal(authorize.searchParams.get('redirect_uri'), `${serverUrl}/oauth/${provider}/callback`)
  for (const param of ['state', 'nonce', 'code_challenge'])
    assert.ok(authorize.searchParams.get(param), param)
  assert.equal(authorize.searchParams.get('scope'), 'openid email profile')

  const consent = await fetch(authorize, { redirect: 'manual' })
  assert.equal(consent.status, 302)
  const callback = new URL(consent.headers.get('location')!)
  assert.equal(`${callback.origin}${callback.pathname}`, `${serverUrl}/oauth/${provider}/callback`)

  const cookie = [...jar].map(([key, value]) => `${key}=${value}`).join('; ')
  const done = await fetch(callback, { redirect: 'manual', headers: { cookie } })
  assert.equal(done.status, 303)
  const final = new URL(done.headers.get('location')!)
  return { final, hash: new URLSearchParams(final.hash.slice(1)) }
}
