// A webhook whose deliveries keep dying is disabled after webhooks.disableAfterDeadDeliveries dead deliveries,
// with an audit entry and a notification to each of the org's ADMINs; once disabled it queues nothing more.
// "A day of failures" is simulated by moving the deliveries' retry window into the past.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { api, bearer, clientFor } from '../helpers/fixtures'
import type { TestClient } from '../helpers/clients'
import { record } from '../helpers/events'
import { Receiver, eventually } from './receiver'
import { groupRoom, hookOrg, registerWebhook, send } from './helpers'

describe('webhooks: a failing target is disabled', function () {
  this.timeout(60000)
  let receiver: Receiver
  const open: TestClient[] = []
  before(async () => {
    receiver = await new Receiver().start()
    receiver.mode = { status: 500 }
  })
  after(async () => {
    open.splice(0).forEach((tc) => tc.close())
    await receiver.stop()
  })

  it('goes dead after the retry window, then disables the webhook with audit and ADMIN notification', async () => {
    const { app, url } = sharedServer()
    const db = app.get('postgresqlClient')
    const threshold = app.get('webhooks').disableAfterDeadDeliveries
    const { admin, member, orgId } = await hookOrg(url)
    const socket = await clientFor(url, 'socketio', admin)
    open.push(socket)
    const notifications = record(socket.client, ['notifications'], ['created'])
    const room = await groupRoom(url, admin, [member.id])
    const hook = await registerWebhook(url, admin, receiver.url, ['message.created'])
    for (let i = 0; i < threshold; i++) await send(url, member, room.id, `doomed ${i}`)
    // Failing, and retried: nothing is dead within the retry window.
    await receiver.until((all) => all.length >= threshold * 2)
    const early = await db('webhook_deliveries').where({ webhook_id: hook.id })
    assert.ok(early.every((d) => d.status !== 'dead' && d.status !== 'sent'))
    assert.ok(early.some((d) => d.response_code === 500 && d.last_error === 'HTTP 500'))
    // A day later: the next failed attempt of each is its last.
    await db('webhook_deliveries')
      .where({ webhook_id: hook.id })
      .update({ retry_from: db.raw(`now() - interval '2 days'`) })
    await eventually(
      () => db('webhooks').where({ id: hook.id }).first(),
      (row) => row.active === false,
      20000,
      'webhook disabled'
    )
    const dead = await db('webhook_deliveries').where({ webhook_id: hook.id, status: 'dead' })
    assert.equal(dead.length, threshold)
    const got = await api(url, 'GET', `/webhooks/${hook.id}`, undefined, bearer(admin.accessToken))
    assert.equal(got.body.active, false)
    assert.match(got.body.disabled_reason, /dead/)
    const audit = await api(
      url,
      'GET',
      `/audit-logs?action=webhook.disabled&target=${hook.id}`,
      undefined,
      bearer(admin.accessToken)
    )
    assert.equal(audit.body.data.length, 1)
    assert.equal(audit.body.data[0].meta.dead_deliveries, threshold)
    const note = await notifications.waitFor((e) => e.data.type === 'webhook_disabled', 15000)
    assert.match(note.data.payload.excerpt, new RegExp(hook.id))
    const members = await db('notifications').where({ org_id: orgId, type: 'webhook_disabled' })
    assert.deepEqual(
      members.map((n) => n.user_id),
      [admin.id]
    )
    // Disabled: new events queue nothing for it.
    await send(url, member, room.id, 'after')
    assert.equal((await db('webhook_deliveries').where({ webhook_id: hook.id })).length, threshold)
    // Turned on again by a person: a fresh streak, no reason.
    const again = await api(url, 'PATCH', `/webhooks/${hook.id}`, { active: true }, bearer(admin.accessToken))
    assert.equal(again.body.active, true)
    assert.equal(again.body.disabled_reason, null)
  })
})
