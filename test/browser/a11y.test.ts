// Accessibility and small screens: axe-core on the main screens, the layout at 375 px, README screenshots.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import { ARTIFACTS, logIn, shot } from './helpers'
import { webSuite } from './suite'

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

// axe runs in the page through the DevTools protocol (page.evaluate), which the page's CSP does not govern.
const seriousViolations = async (page: Page) => {
  await page.evaluate(`${AXE}\n;0`)
  const result: { passes: unknown[]; violations: Array<{ id: string; impact: string; nodes: any[] }> } =
    await page.evaluate(async () => {
      const { passes, violations } = await (window as any).axe.run(document)
      return { passes, violations }
    })
  assert.ok(result.passes.length > 0, 'axe checked nothing')
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

describe('web client accessibility and layout (Chromium)', function () {
  this.timeout(60000)
  const web = webSuite()

  it('axe-core finds no serious or critical violations on the main screens', async () => {
    const { admin } = await createOrg(web.server.url, 'Acme')
    const bob = await addMember(web.server.url, admin)
    const room = await api(
      web.server.url,
      'POST',
      '/rooms',
      { name: 'general', topic: 'Everything', member_ids: [bob.id] },
      bearer(admin.accessToken)
    )
    for (const body of ['Welcome to Acme!', 'See https://example.com for the plan', 'Lunch at noon?']) {
      await api(web.server.url, 'POST', '/messages', { room_id: room.body.id, body }, bearer(bob.accessToken))
    }
    const context = await web.browser.newContext()
    const page = await context.newPage()
    try {
      await page.goto(web.server.url)
      await page.getByLabel('Email').waitFor()
      assert.deepEqual(await seriousViolations(page), [], 'login screen')
      await logIn(page, web.server.url, admin.email, admin.password)
      await page
        .getByRole('navigation', { name: 'Rooms' })
        .getByRole('button', { name: /general/ })
        .click()
      await page.getByRole('log').getByText('Lunch at noon?').waitFor()
      assert.deepEqual(await seriousViolations(page), [], 'room screen')
      await shot(page, 'room')
      await page.getByRole('button', { name: 'Admin' }).click()
      await page.getByRole('dialog', { name: 'Administration' }).waitFor()
      assert.deepEqual(await seriousViolations(page), [], 'admin page')
      await page.getByRole('tab', { name: 'Analytics' }).click()
      await page.getByRole('img', { name: /Messages per day/ }).waitFor()
      assert.deepEqual(await seriousViolations(page), [], 'analytics tab')
      await page.getByRole('tab', { name: 'Webhooks' }).click()
      await page.getByLabel('Webhook URL').waitFor()
      assert.deepEqual(await seriousViolations(page), [], 'webhooks tab')
      await page.keyboard.press('Escape')
      await page.getByRole('dialog').waitFor({ state: 'detached' })
      await page.getByRole('button', { name: 'Friends' }).click()
      await page.getByRole('dialog', { name: 'Friends' }).waitFor()
      assert.deepEqual(await seriousViolations(page), [], 'friends panel')
    } finally {
      await context.close()
    }
  })

  it('works on a 375 px wide screen: one column, no sideways scrolling', async () => {
    const { admin } = await createOrg(web.server.url, 'Narrow')
    await api(web.server.url, 'POST', '/rooms', { name: 'mobile' }, bearer(admin.accessToken))
    const context = await web.browser.newContext({ width: 375, height: 720 })
    const page = await context.newPage()
    try {
      await logIn(page, web.server.url, admin.email, admin.password)
      await page
        .getByRole('navigation', { name: 'Rooms' })
        .getByRole('button', { name: /mobile/ })
        .click()
      const box = page.getByLabel('Message', { exact: true })
      await box.fill('first line')
      await box.press('Shift+Enter')
      await box.pressSequentially('second line')
      await box.press('Enter')
      await page
        .getByRole('log')
        .getByText(/^first line\s+second line$/)
        .waitFor()
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= 375, `page is ${width}px wide`)
      await shot(page, 'mobile-room')
      await page.getByRole('button', { name: 'Back to rooms' }).click()
      await page.getByRole('navigation', { name: 'Rooms' }).waitFor()
    } finally {
      await context.close()
    }
  })

  after(() => {
    // The README's two images come from this run's screenshots (kept small: PNGs of the default viewport).
    if (!process.env.UPDATE_SCREENSHOTS) return
    const docs = path.resolve(__dirname, '../../docs/screenshots')
    fs.mkdirSync(docs, { recursive: true })
    for (const name of ['room', 'mobile-room']) {
      fs.copyFileSync(path.join(ARTIFACTS, `${name}.png`), path.join(docs, `${name}.png`))
    }
  })
})
