// Notifications (unread count, mark read), a friend request accepted live, and muting a DM, in Chromium.
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { until } from './helpers'
import { webSuite } from './suite'

// The toolbar button says the count in its name (the badge itself is hidden from screen readers).
const unreadOf = async (page: Page) => {
  const label = await page
    .getByRole('button', { name: /^Notifications, \d+ unread$/ })
    .getAttribute('aria-label')
  return Number(/(\d+) unread/.exec(label ?? '')?.[1])
}
const openPanel = async (page: Page, name: string) => {
  await page
    .getByRole('banner')
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .click()
  return page.getByRole('dialog', { name })
}
const closePanel = async (page: Page) => {
  await page.keyboard.press('Escape')
  await page.getByRole('dialog').waitFor({ state: 'detached' })
}

describe('web client: notifications, friends, mute (Chromium)', function () {
  this.timeout(60000)
  const web = webSuite()
  let alice: Account

  const post = async (who: Account, path: string, body: Record<string, unknown>) => {
    const res = await api(web.server.url, 'POST', path, body, bearer(who.accessToken))
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body
  }
  const notificationsOf = async (who: Account) =>
    (await api(web.server.url, 'GET', '/notifications', undefined, bearer(who.accessToken))).body
      .data as Array<{
      type: string
      payload?: { excerpt?: string }
    }>

  before(async function () {
    this.timeout(120000)
    ;({ admin: alice } = await createOrg(web.server.url))
  })

  it('a mention raises the unread count live; the panel lists it; mark all read clears it', async () => {
    const bob = await addMember(web.server.url, alice)
    const room = await post(alice, '/rooms', { name: 'mentions', member_ids: [bob.id] })
    // Being added to the room is itself a notification: the page starts from that one.
    await until('the invite notification', async () => (await notificationsOf(bob)).length === 1)
    const b = await web.pageFor(bob)
    await until('the page shows it', async () => (await unreadOf(b)) === 1)
    await post(alice, '/messages', { room_id: room.id, body: `@${bob.username} please review` })
    await until('the count rises', async () => (await unreadOf(b)) === 2)
    assert.equal(await b.getByRole('banner').locator('.badge').innerText(), '2')
    const panel = await openPanel(b, 'Notifications')
    await panel.getByText(/please review/).waitFor()
    await panel.getByRole('button', { name: 'Mark all read' }).click()
    await until('the count clears', async () => (await unreadOf(b)) === 0)
    await closePanel(b)
    assert.equal(await b.getByRole('banner').locator('.badge').count(), 0)
  })

  it('a friend request is seen and accepted live on both sides', async () => {
    const carol = await addMember(web.server.url, alice)
    const dave = await addMember(web.server.url, alice)
    const c = await web.pageFor(carol)
    const d = await web.pageFor(dave)
    const cp = await openPanel(c, 'Friends')
    await cp.getByLabel('Add a friend by username').fill(dave.username)
    await cp.getByRole('button', { name: 'Send request' }).click()
    await cp.getByText('request sent').waitFor()
    // Dave hears of it: a notification and the incoming request in his Friends panel.
    await until('dave is notified', async () => (await unreadOf(d)) === 1)
    const dp = await openPanel(d, 'Friends')
    await dp.getByText('wants to be friends').waitFor()
    await dp.getByRole('button', { name: 'Accept' }).click()
    await dp.getByRole('button', { name: 'Message' }).waitFor()
    await cp.getByRole('button', { name: 'Message' }).waitFor()
    assert.equal(await cp.getByText('request sent').count(), 0)
  })

  it('muting a DM stops its plain messages notifying; a mention still does', async () => {
    const erin = await addMember(web.server.url, alice)
    const dm = await post(alice, '/rooms', { kind: 'dm', user_id: erin.id })
    // Unmuted, a plain DM message notifies (the baseline that makes the muted case mean something).
    await post(alice, '/messages', { room_id: dm.id, body: 'first, unmuted' })
    const before = await until('the DM notifies', async () => {
      const all = await notificationsOf(erin)
      return all.some((n) => n.type === 'dm') && all.length
    })
    const e = await web.pageFor(erin)
    await until('the page shows them', async () => (await unreadOf(e)) === before)
    await e
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(`Test ${alice.username}`) })
      .click()
    await e.getByRole('button', { name: 'Mute', exact: true, pressed: false }).click()
    await e.getByRole('button', { name: 'Unmute', exact: true, pressed: true }).waitFor()
    await e.getByRole('navigation', { name: 'Rooms' }).getByText('(muted)').waitFor()
    await post(alice, '/messages', { room_id: dm.id, body: 'second, muted and plain' })
    await post(alice, '/messages', { room_id: dm.id, body: `third, muted but for @${erin.username}` })
    // Erin has the DM open, so what arrives there is read at once: the count is checked on the server.
    await until('the mention notifies', async () => (await notificationsOf(erin)).length > before)
    // Notifications are made in message order: once the mention's is there, the plain one would be too.
    const excerpts = (await notificationsOf(erin)).map((n) => n.payload?.excerpt ?? '')
    assert.equal(excerpts.length, before + 1, JSON.stringify(excerpts))
    assert.ok(
      excerpts.some((x) => x.startsWith('third')),
      JSON.stringify(excerpts)
    )
    assert.ok(!excerpts.some((x) => x.startsWith('second')), JSON.stringify(excerpts))
  })
})
