// The login page's single sign-on button in Chromium: shown when an OIDC provider is configured, absent without.
import assert from 'node:assert/strict'
import configuration from '@feathersjs/configuration'
import type { BrowserContext, Page } from 'playwright-core'
import type { TestServer } from '../helpers/server'
import { startMockIdp } from '../e2e/oauth-flow'
import { ensureClientBuilt, launch, startWebServer } from './helpers'
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
    withSso = await startWebServer({
      authentication: {
        ...authentication,
        oauth: {
          ...authentication.oauth,
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
    })
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
