// Deliveries never block sends: with a receiver that holds every request unanswered, 1,000 messages are all
// acknowledged (each writes its delivery row in its own transaction) while the deliverer's pool waits; released,
// the receiver gets every one of the 1,000 events. No timing assertion: "never blocks" means every send answers.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { Receiver, eventually } from './receiver'
import { groupRoom, hookOrg, registerWebhook, send } from './helpers'

describe('webhooks: a slow receiver', function () {
  this.timeout(240000)
  let receiver: Receiver
  before(async () => {
    receiver = await new Receiver().start()
  })
  after(async () => {
    await receiver.stop()
  })

  it('1,000 events: every send is acknowledged while deliveries are held, and all arrive later', async () => {
    const { app, url } = sharedServer()
    const db = app.get('postgresqlClient')
    const { admin, member } = await hookOrg(url)
    const room = await groupRoom(url, admin, [member.id])
    const hook = await registerWebhook(url, admin, receiver.url, ['message.created'])
    receiver.mode = 'hold'
    const total = 1000
    const ids: string[] = []
    for (let i = 0; i < total; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, total - i) }, (_, j) =>
          send(url, j % 2 ? member : admin, room.id, `m${i + j}`)
        )
      )
      ids.push(...batch.map((m) => m.id))
    }
    assert.equal(new Set(ids).size, total)
    // Every send committed its delivery row; the held ones are in the deliverer's hands, not the sender's.
    const rows = await db('webhook_deliveries').where({ webhook_id: hook.id }).count({ n: '*' }).first()
    assert.equal(Number(rows?.n), total)
    // The deliverer polls on its own clock: its first request may still be on the way when the sends are done.
    await receiver.until(() => receiver.held.length > 0, 30000, 'a held request')
    // Each app's pool holds at most `concurrency`; other suites' servers may still be polling the same database.
    assert.ok(
      receiver.held.length <= app.get('webhooks').concurrency * 3,
      'the pools bound requests in flight'
    )

    receiver.mode = { status: 200 }
    receiver.release()
    const seen = () => new Set(receiver.received.map((r) => r.json.data.message.id))
    await receiver.until(() => seen().size === total, 180000, 'all 1,000 events')
    assert.deepEqual([...seen()].sort(), [...ids].sort())
    await eventually(
      () => db('webhook_deliveries').where({ webhook_id: hook.id, status: 'sent' }).count({ n: '*' }).first(),
      (row) => Number(row?.n) === total,
      60000,
      'all marked sent'
    )
  })
})
