// The ADMIN page in Chromium: analytics for a small known workload, webhooks created, toggled and pinged.
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { shot, until } from './helpers'
import { webSuite } from './suite'

describe('web client: admin analytics and webhooks (Chromium)', function () {
  this.timeout(60000)
  const web = webSuite()
  let alice: Account
  let bob: Account

  const adminPage = async (tab: string, size?: { width: number; height: number }) => {
    const page = await web.pageFor(alice, size)
    await page.getByRole('button', { name: 'Admin' }).click()
    await page.getByRole('dialog', { name: 'Administration' }).waitFor()
    await page.getByRole('tab', { name: tab }).click()
    return page
  }
  const post = async (who: Account, path: string, body: Record<string, unknown>) => {
    const res = await api(web.server.url, 'POST', path, body, bearer(who.accessToken))
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body
  }
  const cellsOf = (page: Page, table: string) =>
    page
      .getByRole('table', { name: table })
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c.textContent ?? '').trim())))

  before(async function () {
    this.timeout(120000)
    ;({ admin: alice } = await createOrg(web.server.url))
    bob = await addMember(web.server.url, alice)
  })

  it('analytics shows the numbers of a known workload: 3 + 2 messages by two people in one room', async () => {
    const room = await post(alice, '/rooms', { name: 'stats', member_ids: [bob.id] })
    for (const [who, n] of [
      [alice, 3],
      [bob, 2]
    ] as const)
      for (let i = 0; i < n; i++) await post(who, '/messages', { room_id: room.id, body: `m${i}` })
    const page = await adminPage('Analytics')
    await until('the totals', async () => (await page.getByTestId('messages').innerText()) === '5')
    assert.equal(await page.getByTestId('active-users').innerText(), '2')
    // Both charts drew their days; today's bar carries the day's count.
    const chart = page.getByRole('img', { name: /Messages per day/ })
    assert.match((await chart.getAttribute('aria-label')) ?? '', / 5$/)
    assert.equal(await page.getByTestId('Messages-total').innerText(), '5')
    assert.equal(await chart.locator('rect').count(), 7)
    assert.equal(
      await page
        .getByRole('img', { name: /Active users per day/ })
        .locator('rect')
        .count(),
      7
    )
    assert.deepEqual(await cellsOf(page, 'Busiest rooms'), [['stats', '5']])
    const senders = await cellsOf(page, 'Top senders')
    assert.deepEqual(
      senders.map((r) => r[1]),
      ['3', '2']
    )
    assert.match(senders[0][0], new RegExp(`@${alice.username}`))
    await shot(page, 'admin-analytics')
  })

  it('webhooks: created with the secret shown once, turned off, pinged, deliveries listed', async () => {
    const page = await adminPage('Webhooks')
    await page.getByLabel('Webhook URL').fill('https://hooks.example.com/chatboard')
    await page.getByLabel('Description').fill('CI bridge')
    await page.getByRole('button', { name: 'Create webhook' }).click()
    const secret = page.getByLabel('Signing secret (shown once)')
    await secret.waitFor()
    assert.ok((await secret.inputValue()).length >= 16)
    const list = page.getByRole('list', { name: 'Webhook list' })
    await list.getByText('https://hooks.example.com/chatboard').waitFor()
    const active = list.getByRole('checkbox', { name: 'Active' })
    assert.equal(await active.isChecked(), true)
    // Controlled by the server's answer: a click, then the box follows the patched row.
    await active.click()
    await until('the webhook is off on the server', async () => {
      const res = await api(web.server.url, 'GET', '/webhooks', undefined, bearer(alice.accessToken))
      return res.body.data?.[0]?.active === false
    })
    await until('the box shows it', async () => !(await active.isChecked()))
    await active.click()
    await until('the webhook is on again', async () => {
      const res = await api(web.server.url, 'GET', '/webhooks', undefined, bearer(alice.accessToken))
      return res.body.data?.[0]?.active === true
    })
    await until('the box shows it', () => active.isChecked())
    await list.getByRole('button', { name: 'Send test ping' }).click()
    await list.getByRole('button', { name: 'Deliveries' }).click()
    const deliveries = page.getByRole('table', { name: /Deliveries of/ })
    await deliveries.getByText('ping').waitFor()
  })

  it('both panels fit a 375 px wide screen (no sideways scrolling)', async () => {
    const page = await adminPage('Analytics', { width: 375, height: 720 })
    await page.getByRole('img', { name: /Messages per day/ }).waitFor()
    const fits = () =>
      page.evaluate(() => {
        const dialog = document.querySelector('[role="dialog"]')!
        return [document.documentElement.scrollWidth, dialog.scrollWidth - dialog.clientWidth]
      })
    const [page1, dialog1] = await fits()
    assert.ok(page1 <= 375 && dialog1 <= 0, `analytics: page ${page1}px, dialog overflows by ${dialog1}px`)
    await page.getByRole('tab', { name: 'Webhooks' }).click()
    await page.getByLabel('Webhook URL').waitFor()
    const [page2, dialog2] = await fits()
    assert.ok(page2 <= 375 && dialog2 <= 0, `webhooks: page ${page2}px, dialog overflows by ${dialog2}px`)
  })
})
