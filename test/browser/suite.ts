// The set-up every browser suite shares: the client built, a web server and one Chromium started before the
// suite, and every context it opened, the browser and the server closed after it.
import type { BrowserContext, Page } from 'playwright-core'
import type { Account } from '../helpers/fixtures'
import type { TestServer } from '../helpers/server'
import type { Configuration } from '../../src/declarations'
import { ensureClientBuilt, launch, logIn, startWebServer } from './helpers'
import type { Browser } from './helpers'

type Size = { width: number; height: number }

export interface WebSuite {
  server: TestServer
  browser: Browser
  /** A page in a context of its own (closed after the suite); its page errors are printed. */
  newPage: (size?: Size) => Promise<Page>
  /** newPage, logged in as `account` through the real form. */
  pageFor: (account: Account, size?: Size) => Promise<Page>
}

// Registers the suite's before and after hooks: call it in the describe body, before the suite's own hooks.
export const webSuite = (overrides: () => Partial<Configuration> = () => ({})): WebSuite => {
  const contexts: BrowserContext[] = []
  const web: WebSuite = {
    server: undefined as unknown as TestServer,
    browser: undefined as unknown as Browser,
    newPage: async (size) => {
      const context = await web.browser.newContext(size)
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (error) => console.error('page error:', error))
      return page
    },
    pageFor: async (account, size) => {
      const page = await web.newPage(size)
      await logIn(page, web.server.url, account.email, account.password)
      return page
    }
  }

  before(async function () {
    this.timeout(120000)
    await ensureClientBuilt()
    web.server = await startWebServer(overrides())
    web.browser = await launch()
  })

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await web.browser?.close()
    await web.server?.stop()
  })

  return web
}
