// At least once across a crash: a server process SIGKILLed while its delivery is in flight (the receiver holds
// the request) loses nothing; once its lease expires, another process delivers the same event (same id, same
// body) again. Runs on a database of its own so that only these processes deliver.
import assert from 'node:assert/strict'
import knex from 'knex'
import type { Knex } from 'knex'
import { ownDatabase } from '../helpers/own-database'
import { startProcess } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import { Receiver, eventually } from './receiver'
import { groupRoom, hookOrg, registerWebhook, send } from './helpers'

describe('webhooks: a worker killed mid-delivery', function () {
  this.timeout(90000)
  let db: Knex
  let target: URL
  let receiver: Receiver
  const procs: ServerProcess[] = []

  before(async function () {
    this.timeout(60000)
    target = new URL((await ownDatabase('whkill', { migrate: true })).url)
    db = knex({ client: 'pg', connection: target.toString() })
    receiver = await new Receiver().start()
  })
  after(async () => {
    await Promise.all(procs.map((p) => p.stop()))
    await receiver?.stop()
    await db?.destroy()
  })

  it('redelivers the same event from another process after the lease expires', async () => {
    const env = { DATABASE_URL: target.toString(), WEBHOOK_TIMEOUT_MS: '5000' }
    const doomed = await startProcess({ env })
    procs.push(doomed)
    const { admin, member } = await hookOrg(doomed.url)
    const room = await groupRoom(doomed.url, admin, [member.id])
    const hook = await registerWebhook(doomed.url, admin, receiver.url, ['message.created'])
    receiver.mode = 'hold'
    const message = await send(doomed.url, member, room.id, 'in flight')
    await receiver.until((all) => all.length === 1, 15000, 'the first attempt')
    doomed.child.kill('SIGKILL')
    await new Promise((resolve) => doomed.child.once('exit', resolve))
    const first = receiver.received[0]
    const [leased] = await db('webhook_deliveries').where({ webhook_id: hook.id })
    assert.equal(leased.status, 'pending')
    assert.equal(leased.attempts, 1)

    receiver.mode = { status: 200 }
    receiver.release()
    const survivor = await startProcess({ env })
    procs.push(survivor)
    await receiver.until((all) => all.length === 2, 45000, 'the redelivery')
    const second = receiver.received[1]
    assert.equal(second.json.id, first.json.id)
    assert.equal(second.body, first.body)
    assert.equal(second.json.data.message.id, message.id)
    assert.equal(second.headers['chatboard-delivery'], leased.id)
    const done = await eventually(
      () => db('webhook_deliveries').where({ id: leased.id }).first(),
      (row) => row.status === 'sent'
    )
    assert.equal(done.attempts, 2)
  })
})
