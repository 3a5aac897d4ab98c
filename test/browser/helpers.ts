// Browser test set-up: the client built once (when missing or older than its sources), Chromium per run, pages.
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import type { Server } from 'node:http'
import { createApp } from '../../src/app'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { freePort } from '../helpers/free-port'
import type { Configuration } from '../../src/declarations'

const ROOT = path.resolve(__dirname, '../..')
export const ARTIFACTS = path.join(ROOT, 'test/artifacts')

const newest = (dir: string): number =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .map((e) => {
      const p = path.join(dir, e.name)
      return e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs
    })
    .reduce((a, b) => Math.max(a, b), 0)

// Builds with Vite's JS API unless public/index.html is newer than every client source and the config.
export const ensureClientBuilt = async () => {
  const html = path.join(ROOT, 'public/index.html')
  const sources = Math.max(
    newest(path.join(ROOT, 'client')),
    fs.statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs
  )
  const built =
    fs.existsSync(html) && fs.existsSync(path.join(ROOT, 'public/assets')) ? fs.statSync(html).mtimeMs : 0
  if (built > sources) return
  // Vite's types are exports-only (not visible to this tsconfig's node resolution); the API is one call.
  const vite = 'vite'
  const { build } = (await import(vite)) as { build: (config: Record<string, unknown>) => Promise<unknown> }
  // The mocha environment says NODE_ENV=test; the bundle must be the production one people get.
  const env = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn' })
  } finally {
    process.env.NODE_ENV = env
  }
}

// A server that the browser may open sockets to: its own origin must be an allowed one.
export const startWebServer = async (overrides: Partial<Configuration> = {}): Promise<TestServer> => {
  const server = await startServer(overrides)
  server.app.set('origins', [...server.app.get('origins'), server.url])
  return server
}

// The same app again on the port of a stopped one (same database), as after a server restart.
export const restartWebServer = async (old: TestServer): Promise<TestServer> => {
  const port = Number(new URL(old.url).port)
  const database = { url: process.env.DATABASE_URL!, dataDir: './data/test-unused', poolMax: 10 }
  const app = createApp({ database })
  const server: Server = await app.listen(port, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  app.set('origins', [...app.get('origins'), old.url])
  return {
    app,
    url: old.url,
    stop: async () => {
      app.io?.local.disconnectSockets(true)
      server.closeAllConnections()
      await app.teardown()
    }
  }
}

// A web server whose address is known before the app is built (publicUrl: an OAuth callback URL needs it).
export const startPublicWebServer = async (
  overrides: (url: string) => Partial<Configuration>
): Promise<TestServer> => {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const database = { url: process.env.DATABASE_URL!, dataDir: './data/test-unused', poolMax: 10 }
  const app = createApp({ database, publicUrl: url, ...overrides(url) })
  const server: Server = await app.listen(port, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  app.set('origins', [...app.get('origins'), url])
  return {
    app,
    url,
    stop: async () => {
      app.io?.local.disconnectSockets(true)
      server.closeAllConnections()
      await app.teardown()
    }
  }
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export interface Browser {
  newContext: (options?: { width?: number; height?: number }) => Promise<BrowserContext>
  close: () => Promise<void>
}

// One Chromium per suite; each person gets an isolated context in it. Playwright's launch() gives every
// run a fresh temporary --user-data-dir of its own (and refuses one in args), removed when it closes.
export const launch = async (): Promise<Browser> => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS
  })
  return {
    newContext: ({ width = 1100, height = 760 } = {}) => browser.newContext({ viewport: { width, height } }),
    close: () => browser.close()
  }
}

export const shot = async (page: Page, name: string) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) })
}

// Logs in through the real form.
export const logIn = async (page: Page, url: string, email: string, password: string) => {
  await page.goto(url)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in', exact: true }).last().click()
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor()
}

// Playwright-core has no expect(): poll a condition until it holds or the deadline passes.
export const until = async <T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10000
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
