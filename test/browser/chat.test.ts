// The web client in Chromium: two people chat live, reloads, unsend, injection, reconnect, multi-device, admin.
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { logIn, restartWebServer, shot, startWebServer, until } from './helpers'
import { webSuite } from './suite'

const rooms = (page: Page) => page.getByRole('navigation', { name: 'Rooms' })
const roomButton = (page: Page, name: string) => rooms(page).getByRole('button', { name: new RegExp(name) })
// No waiting here (the badge may come and go between two looks): callers poll with until().
const badgeOf = async (page: Page, name: string) => {
  const [text] = await roomButton(page, name).locator('.badge').allInnerTexts()
  return text ? Number(text) : 0
}
const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
const composer = (page: Page) => page.getByLabel('Message', { exact: true })
const sendText = async (page: Page, text: string) => {
  await composer(page).fill(text)
  await composer(page).press('Enter')
}

describe('web client (Chromium)', function () {
  this.timeout(60000)
  const web = webSuite()
  let alice: Account
  let bob: Account

  const createRoom = async (owner: Account, name: string, members: Account[]) => {
    const res = await api(
      web.server.url,
      'POST',
      '/rooms',
      { name, member_ids: members.map((m) => m.id) },
      bearer(owner.accessToken)
    )
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body.id as string
  }

  before(async function () {
    this.timeout(120000)
    ;({ admin: alice } = await createOrg(web.server.url))
    bob = await addMember(web.server.url, alice)
  })

  it('two people chat: message, typing, unread badge, read receipt; a reload keeps the history', async () => {
    await createRoom(alice, 'general', [bob])
    const a = await web.pageFor(alice)
    const b = await web.pageFor(bob)
    await roomButton(a, 'general').click()
    await sendText(a, 'Hello Bob, see https://example.com/docs')
    await log(a).getByText('Hello Bob').waitFor()
    // Bob has not opened the room: a badge of 1 and the preview.
    await until('bob sees a badge', async () => (await badgeOf(b, 'general')) === 1)
    await roomButton(b, 'general').getByText('Hello Bob').waitFor()
    await roomButton(b, 'general').click()
    await log(b).getByText('Hello Bob').waitFor()
    const link = log(b).getByRole('link', { name: 'https://example.com/docs' })
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer')
    await until('bob’s badge clears', async () => (await badgeOf(b, 'general')) === 0)
    // Read receipt on Alice's side.
    await log(a)
      .getByText(`Seen by ${(bob as any).name}`)
      .waitFor()
    // Typing indicator.
    await composer(b).fill('typing something')
    await a.getByText(/is typing…/).waitFor()
    await composer(b).press('Enter')
    await log(a).getByText('typing something').waitFor()
    await shot(a, 'chat-alice')
    // A reload keeps the history.
    await b.reload()
    await rooms(b).waitFor()
    await roomButton(b, 'general').click()
    await log(b).getByText('Hello Bob').waitFor()
    await log(b).getByText('typing something').waitFor()
  })

  it('an edit and an unsend (placeholder) show on both sides', async () => {
    await createRoom(alice, 'unsend-room', [bob])
    const a = await web.pageFor(alice)
    const b = await web.pageFor(bob)
    await roomButton(a, 'unsend-room').click()
    await roomButton(b, 'unsend-room').click()
    // An edit (Enter saves) reaches the other side live.
    await sendText(a, 'meeting at 3')
    await log(b).getByText('meeting at 3').waitFor()
    const seq = await log(a).getByRole('article').filter({ hasText: 'meeting at 3' }).getAttribute('data-seq')
    const edited = log(a).locator(`article[data-seq="${seq}"]`)
    await edited.getByRole('button', { name: 'Edit' }).click()
    await edited.getByLabel('Edit message').fill('meeting at 4')
    await edited.getByLabel('Edit message').press('Enter')
    const seen = log(b).getByRole('article').filter({ hasText: 'meeting at 4' })
    await seen.getByText('(edited)').waitFor()
    await sendText(a, 'oops, wrong room')
    await log(b).getByText('oops, wrong room').waitFor()
    const mine = log(a).getByRole('article').filter({ hasText: 'oops, wrong room' })
    await mine.getByRole('button', { name: 'Unsend' }).click()
    await log(a).getByText('This message was unsent.').waitFor()
    await log(b).getByText('This message was unsent.').waitFor()
    assert.equal(await log(b).getByText('oops, wrong room').count(), 0)
    // A refused send (too long) is marked failed, with a retry button, and never shows up for others.
    await sendText(a, 'x'.repeat(4001))
    const failed = log(a).getByRole('article', { name: 'Failed message' })
    await failed.getByRole('button', { name: 'Retry' }).waitFor()
    await failed.getByRole('button', { name: 'Discard' }).click()
    await failed.waitFor({ state: 'detached' })
    assert.equal(await log(b).getByRole('article').count(), 2)
  })

  it('shows <img src=x onerror=...> as text and runs nothing', async () => {
    await createRoom(alice, 'xss-room', [bob])
    const a = await web.pageFor(alice)
    const b = await web.pageFor(bob)
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> javascript:alert(1)'
    await roomButton(a, 'xss-room').click()
    await roomButton(b, 'xss-room').click()
    await sendText(a, payload)
    await log(b).getByText('<img src=x onerror="window.__xss=1">', { exact: false }).waitFor()
    for (const page of [a, b]) {
      assert.equal(await page.evaluate(() => (window as any).__xss), undefined)
      assert.equal(await log(page).locator('img, script').count(), 0)
      assert.equal(await log(page).getByRole('link').count(), 0)
    }
  })

  it('search finds a message with its words marked and opens the room at it', async () => {
    const id = await createRoom(alice, 'search-room', [bob])
    await api(
      web.server.url,
      'POST',
      '/messages',
      { room_id: id, body: 'the zebra crossing plan' },
      bearer(bob.accessToken)
    )
    for (let i = 0; i < 60; i++) {
      await api(
        web.server.url,
        'POST',
        '/messages',
        { room_id: id, body: `filler ${i}` },
        bearer(bob.accessToken)
      )
    }
    const a = await web.pageFor(alice)
    await a.getByRole('button', { name: 'Search', exact: true }).click()
    await a.getByLabel('Search messages').fill('zebra')
    await a.getByLabel('Search messages').press('Enter')
    const results = a.getByRole('list', { name: 'Search results' })
    await results.locator('mark', { hasText: 'zebra' }).waitFor()
    await results.getByRole('button').first().click()
    // The message is older than the first page (61 messages): it was fetched and scrolled into view.
    const target = log(a).locator('article.jumped')
    await target.getByText('the zebra crossing plan').waitFor()
    assert.ok(await target.isVisible())
  })

  it('two devices of one person agree on unread badges and read state', async () => {
    await createRoom(alice, 'multi-device', [bob])
    const b1 = await web.pageFor(bob)
    const b2 = await web.pageFor(bob)
    for (const body of ['one', 'two']) {
      await api(
        web.server.url,
        'POST',
        '/messages',
        { room_id: await roomId('multi-device'), body },
        bearer(alice.accessToken)
      )
    }
    await until(
      'both devices show 2',
      async () => (await badgeOf(b1, 'multi-device')) === 2 && (await badgeOf(b2, 'multi-device')) === 2
    )
    await roomButton(b1, 'multi-device').click()
    await log(b1).getByText('two').waitFor()
    await until('the other device clears too', async () => (await badgeOf(b2, 'multi-device')) === 0)
  })

  const roomId = async (name: string) => {
    const res = await api(web.server.url, 'GET', '/rooms?$limit=100', undefined, bearer(alice.accessToken))
    return res.body.data.find((r: any) => r.name === name).id as string
  }

  it('a dropped connection recovers: banner, missed messages caught up, offline message sent once', async () => {
    const id = await createRoom(alice, 'outage', [bob])
    // Bob's page talks to a server of its own, restarted on the same port; Alice keeps sending through the
    // other one (the Redis adapter carries events between them).
    let own = await startWebServer()
    const context = await web.browser.newContext()
    try {
      const b = await context.newPage()
      await logIn(b, own.url, bob.email, bob.password)
      await roomButton(b, 'outage').click()
      await api(
        web.server.url,
        'POST',
        '/messages',
        { room_id: id, body: 'before the cut' },
        bearer(alice.accessToken)
      )
      await log(b).getByText('before the cut').waitFor()
      // Offline first, so the page's reconnect attempts cannot hold the closing server open.
      await context.setOffline(true)
      await own.stop()
      await b.getByRole('status').getByText('Connection lost').waitFor()
      for (let i = 1; i <= 5; i++) {
        await api(
          web.server.url,
          'POST',
          '/messages',
          { room_id: id, body: `missed ${i}` },
          bearer(alice.accessToken)
        )
      }
      await sendText(b, 'typed while offline')
      await log(b).getByRole('article', { name: 'Pending message' }).waitFor()
      own = await restartWebServer(own)
      await context.setOffline(false)
      for (let i = 1; i <= 5; i++)
        await log(b).getByText(`missed ${i}`, { exact: true }).waitFor({ timeout: 20000 })
      await until(
        'the offline message is acknowledged',
        async () => (await log(b).getByRole('article', { name: 'Pending message' }).count()) === 0,
        20000
      )
      await until('the banner goes', async () => (await b.getByRole('status').count()) === 0)
      const history = await api(
        web.server.url,
        'GET',
        `/messages?room_id=${id}&limit=100`,
        undefined,
        bearer(alice.accessToken)
      )
      const bodies = history.body.data.map((m: any) => m.body)
      assert.equal(bodies.filter((x: string) => x === 'typed while offline').length, 1)
      // Nothing twice on screen either.
      assert.equal(await log(b).getByText('missed 3', { exact: true }).count(), 1)
      assert.equal(await log(b).getByRole('article').count(), 7)
    } finally {
      // The page first: it would reconnect at once to a stopping server and keep it open.
      await context.close()
      await own.stop()
    }
  })

  it('a suspended user’s page is logged out', async () => {
    const carol = await addMember(web.server.url, alice)
    const a = await web.pageFor(alice)
    const c = await web.pageFor(carol)
    await a.getByRole('button', { name: 'Admin' }).click()
    await a.getByRole('button', { name: `Suspend ${carol.username}` }).click()
    await c
      .getByRole('alert')
      .getByText(/suspended|session has ended/)
      .waitFor()
    await c.getByRole('button', { name: 'Log in', exact: true }).last().waitFor()
    await shot(a, 'admin')
  })
})
