// The login page's single sign-on button in Chromium: shown when an OIDC provider is configured, absent without.
import assert from 'node:assert/strict'
import configuration from '@feathersjs/configuration'
import type { BrowserContext, Page } from 'playwright-core'
import { api } from '../helpers/fixtures'
import type { TestServer } from '../helpers/server'
import { startMockIdp } from '../e2e/oauth-flow'
import { ensureClientBuilt, launch, startPublicWebServer, startWebServer, until } from './helpers'
import type { Browser } from './helpers'

describe('web client: OAuth / OIDC buttons (Chromium)', function () {
  this.timeout(60000)
  let idp: Awaited<ReturnType<typeof startMockIdp>>
  let withSso: TestServer
  let without: TestServer
  let browser: Browser
  const contexts: BrowserContext[] = []

  const loginPage = async (server: TestServer): Promise<Page> => {
    const context = await browser.newContext()
    contexts.push(context)
    const page = await context.newPage()
    page.on('pageerror', (error) => console.error('page error:', error))
    await page.goto(server.url)
    await page.getByRole('form', { name: 'Log in' }).waitFor()
    return page
  }

  before(async function () {
    this.timeout(120000)
    await ensureClientBuilt()
    idp = await startMockIdp(() => ({ sub: 'sso-user', email: 'sso@example.com', email_verified: true }))
    const authentication = (configuration() as any)().authentication
    // The provider returns to <publicUrl>/oauth/oidc/callback, then to this origin with the tokens.
    withSso = await startPublicWebServer((url) => ({
      authentication: {
        ...authentication,
        oauth: {
          ...authentication.oauth,
          origins: [url],
          oidc: {
            ...authentication.oauth.oidc,
            key: 'chatboard-client',
            secret: 'oidc-secret',
            authorize_url: `${idp.url}/authorize`,
            access_url: `${idp.url}/token`,
            profile_url: `${idp.url}/userinfo`
          }
        }
      }
    }))
    without = await startWebServer()
    browser = await launch()
  })

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    await withSso?.stop()
    await without?.stop()
    await idp?.stop()
  })

  it('shows "Sign in with SSO" (linking to /oauth/oidc) when OIDC is configured, and no Google button', async () => {
    const page = await loginPage(withSso)
    const sso = page.getByRole('link', { name: 'Sign in with SSO' })
    await sso.waitFor()
    assert.equal(await sso.getAttribute('href'), '/oauth/oidc')
    assert.equal(await page.getByRole('link', { name: 'Sign in with Google' }).count(), 0)
  })

  it('signing in with SSO lands in the app, the refresh token stored and gone from the address bar', async () => {
    const page = await loginPage(withSso)
    await page.getByRole('link', { name: 'Sign in with SSO' }).click()
    // A new person without an org: the onboarding screen, signed in.
    await page.getByRole('form', { name: 'Create an organization' }).waitFor()
    const refreshToken = await until('the refresh token kept', () =>
      page.evaluate(() => localStorage.getItem('chatboard-refresh'))
    )
    assert.doesNotMatch(page.url(), /token/)
    // A real one: it renews the session.
    const renewed = await api(withSso.url, 'POST', '/authentication', { strategy: 'refresh', refreshToken })
    assert.equal(renewed.status, 201, JSON.stringify(renewed.body))
    assert.equal(renewed.body.user.email, 'sso@example.com')
  })

  it('shows no sign-in button on a server without providers', async () => {
    const page = await loginPage(without)
    // The page asks the server which providers answer; wait until both probes were answered (404s).
    const probes = ['google', 'oidc'].map((p) =>
      page.waitForResponse((res) => res.url() === `${without.url}/oauth/${p}`)
    )
    await page.reload()
    await page.getByRole('form', { name: 'Log in' }).waitFor()
    for (const probe of probes) assert.equal((await probe).status(), 404)
    assert.equal(await page.getByRole('link', { name: /Sign in with/ }).count(), 0)
  })
})
