// Measured, not asserted: the first screen after login with 50 rooms and 10,000 messages in the open room.
// Also checks that loading older history keeps the message on screen where it was.
import assert from 'node:assert/strict'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import { shot, until } from './helpers'
import { webSuite } from './suite'

describe('first screen with a big history (Chromium)', function () {
  this.timeout(90000)
  const web = webSuite()

  it('shows 50 rooms and the newest of 10,000 messages; older pages keep the scroll position', async () => {
    const { admin, orgId } = await createOrg(web.server.url, 'Big Org')
    const bob = await addMember(web.server.url, admin)
    for (let i = 1; i <= 49; i++) {
      await api(
        web.server.url,
        'POST',
        '/rooms',
        { name: `room-${i}`, member_ids: [bob.id] },
        bearer(admin.accessToken)
      )
    }
    const big = await api(
      web.server.url,
      'POST',
      '/rooms',
      { name: 'big', member_ids: [bob.id] },
      bearer(admin.accessToken)
    )
    // 10,000 messages straight into the tables (through the API this would take minutes), as the send
    // function leaves them: gapless seqs and the room's counter.
    const db = web.server.app.get('postgresqlClient')
    // One statement through every messages trigger (search, webhooks, analytics): more than the app's
    // statement timeout allows on a loaded machine, so this seeding transaction lifts it.
    await db.transaction(async (trx: any) => {
      await trx.raw('set local statement_timeout = 0')
      await trx.raw(
        `insert into messages (org_id, room_id, seq, sender_id, body, created_at, updated_at)
       select ?, ?, s, case when s % 2 = 0 then ?::uuid else ?::uuid end, 'history message ' || s,
              now() - (10000 - s) * interval '1 second', now() - (10000 - s) * interval '1 second'
       from generate_series(1, 10000) s`,
        [orgId, big.body.id, admin.id, bob.id]
      )
    })
    await db('rooms').where({ id: big.body.id }).update({ last_seq: 10000, last_message_at: db.fn.now() })

    const context = await web.browser.newContext()
    const page = await context.newPage()
    try {
      await page.goto(web.server.url)
      await page.getByLabel('Email').fill(admin.email)
      await page.getByLabel('Password').fill(admin.password)
      const started = Date.now()
      await page.getByRole('button', { name: 'Log in', exact: true }).last().click()
      const roomList = page.getByRole('navigation', { name: 'Rooms' }).getByRole('button')
      await until('50 rooms listed', async () => (await roomList.count()) === 50)
      const listed = Date.now() - started
      assert.match(await roomList.first().innerText(), /big/)
      await roomList.first().click()
      const log = page.getByRole('log', { name: 'Messages' })
      await log.getByText('history message 10000', { exact: true }).waitFor()
      const opened = Date.now() - started
      console.log(
        `      first screen: room list ${listed} ms, open room with 10,000 messages ${opened} ms after login`
      )
      await shot(page, 'big-history')

      // Scroll to the top: the next page loads and the message that was at the top stays put.
      const firstBefore = log.locator('article').first()
      const seqBefore = await firstBefore.getAttribute('data-seq')
      await log.evaluate((el) => (el.scrollTop = 0))
      await log.locator(`article[data-seq="${Number(seqBefore) - 1}"]`).waitFor({ state: 'attached' })
      const kept = log.locator(`article[data-seq="${seqBefore}"]`)
      const top = await until('the old top message is still in view', async () => {
        const [box, view] = await Promise.all([kept.boundingBox(), log.boundingBox()])
        return box && view && box.y >= view.y - 1 && box.y < view.y + view.height
          ? { offset: box.y - view.y }
          : null
      })
      assert.ok(top.offset >= -1)
    } finally {
      await context.close()
    }
  })
})
