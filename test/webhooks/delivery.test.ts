// Webhook delivery end to end with a real receiver on loopback: every event type arrives signed (verified with
// the client's helper), in the body shape { id, type, created_at, org_id, data }; a rolled-back change sends
// nothing; a receiver that is down for a while gets every delivery once back, with the same event ids.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { api, bearer } from '../helpers/fixtures'
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  verifyWebhookSignature
} from '../../src/client'
import { webhookDeliveries } from '../../src/metrics'
import { pruneWebhookDeliveries } from '../../src/jobs/definitions/webhooks'
import { Receiver, eventually } from './receiver'
import { groupRoom, hookOrg, registerWebhook, send } from './helpers'

// The process-wide counter of delivery outcomes (src/metrics.ts): tests compare deltas of their own runs.
const outcomes = async () => {
  const values = (await webhookDeliveries.get()).values
  const of = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0
  return { success: of('success'), retry: of('retry'), dead: of('dead') }
}

describe('webhooks: delivery', function () {
  this.timeout(60000)
  let receiver: Receiver
  beforeEach(async () => {
    receiver = await new Receiver().start()
  })
  afterEach(async () => {
    await receiver.stop()
  })

  it('delivers every event type, signed, with a stable event id and the documented body', async () => {
    const url = sharedServer().url
    const { admin, member, orgId } = await hookOrg(url)
    const counted = await outcomes()
    const hook = await registerWebhook(url, admin, receiver.url)
    assert.match(hook.secret, /^whsec_/)
    const room = await groupRoom(url, admin)
    await api(url, 'PATCH', `/rooms/${room.id}`, { topic: 'Webhooks' }, bearer(admin.accessToken))
    const joined = await api(
      url,
      'POST',
      '/members',
      { room_id: room.id, user_id: member.id },
      bearer(admin.accessToken)
    )
    assert.equal(joined.status, 201, JSON.stringify(joined.body))
    const message = await send(url, member, room.id, 'hello hooks')
    const edited = await api(
      url,
      'PATCH',
      `/messages/${message.id}`,
      { body: 'hello hooks!' },
      bearer(member.accessToken)
    )
    assert.equal(edited.status, 200, JSON.stringify(edited.body))
    const unsent = await api(
      url,
      'PATCH',
      `/messages/${message.id}`,
      { unsent: true },
      bearer(member.accessToken)
    )
    assert.equal(unsent.status, 200, JSON.stringify(unsent.body))
    const left = await api(url, 'DELETE', `/members/${joined.body.id}`, undefined, bearer(member.accessToken))
    assert.equal(left.status, 200, JSON.stringify(left.body))
    const invited = await api(
      url,
      'POST',
      '/invites',
      { email: 'hooked@example.com', role: 'MEMBER' },
      bearer(admin.accessToken)
    )
    assert.equal(invited.status, 201)

    const expected = [
      'room.created',
      'member.joined',
      'room.updated',
      'message.created',
      'message.updated',
      'message.deleted',
      'member.left',
      'member.invited'
    ]
    await receiver.until((all) => expected.every((type) => all.some((r) => r.json.type === type)))
    for (const r of receiver.received) {
      assert.deepEqual(Object.keys(r.json).sort(), ['created_at', 'data', 'id', 'org_id', 'type'])
      assert.equal(r.json.org_id, orgId)
      assert.equal(r.headers[WEBHOOK_EVENT_HEADER.toLowerCase()], r.json.type)
      assert.match(String(r.headers[WEBHOOK_DELIVERY_HEADER.toLowerCase()]), /^[0-9a-f-]{36}$/)
      const header = String(r.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()])
      assert.ok(await verifyWebhookSignature({ body: r.body, header, secret: hook.secret }), header)
      assert.equal(await verifyWebhookSignature({ body: `${r.body} `, header, secret: hook.secret }), false)
      assert.equal(await verifyWebhookSignature({ body: r.body, header, secret: 'whsec_wrong' }), false)
      // Outside the tolerance window (a replay an hour later) it no longer verifies.
      const later = Date.now() + 3600 * 1000
      assert.equal(
        await verifyWebhookSignature({ body: r.body, header, secret: hook.secret, now: later }),
        false
      )
    }
    const created = receiver.ofType('message.created')
    assert.equal(created.length, 1)
    assert.equal(created[0].json.data.message.body, 'hello hooks')
    assert.equal(receiver.ofType('message.updated')[0].json.data.message.body, 'hello hooks!')
    assert.equal(receiver.ofType('message.deleted')[0].json.data.message.body, null)
    assert.equal(receiver.ofType('member.left')[0].json.data.member.user_id, member.id)
    const invite = receiver.ofType('member.invited')[0].json.data.invite
    assert.equal(invite.email, 'hooked@example.com')
    assert.ok(!('token' in invite) && !('token_hash' in invite))

    // Inspectable: each delivery is `sent` with the receiver's response code (recorded just after the answer).
    const listed = await eventually(
      () =>
        api(
          url,
          'GET',
          `/webhook-deliveries?webhook_id=${hook.id}&$limit=100`,
          undefined,
          bearer(admin.accessToken)
        ),
      (res) => res.status !== 200 || res.body.data.every((d: any) => d.status === 'sent'),
      15000,
      'deliveries marked sent'
    )
    assert.equal(listed.status, 200)
    assert.ok(listed.body.data.length >= expected.length)
    for (const d of listed.body.data) {
      assert.equal(d.status, 'sent')
      assert.equal(d.response_code, 200)
      // Once, barring a lease that expired on a starved machine (then twice, same event id).
      assert.ok(d.attempts >= 1)
    }
    assert.ok((await outcomes()).success - counted.success >= listed.body.data.length, 'counted in metrics')
  })

  it('sends nothing for a change that rolled back', async () => {
    const { app, url } = sharedServer()
    const { admin, orgId } = await hookOrg(url)
    await registerWebhook(url, admin, receiver.url, ['room.created', 'message.created'])
    const db = app.get('postgresqlClient')
    await assert.rejects(
      db.transaction(async (trx) => {
        await trx('rooms').insert({ org_id: orgId, kind: 'group', name: 'Ghost' })
        throw new Error('roll back')
      }),
      /roll back/
    )
    // A committed change after it is the marker: once it arrived, the rolled-back one would have too.
    const room = await groupRoom(url, admin)
    await receiver.until((all) => all.some((r) => r.json.type === 'room.created'))
    assert.deepEqual(
      receiver.received.map((r) => r.json.data.room?.id),
      [room.id]
    )
    const rows = await db('webhook_deliveries').where({ org_id: orgId })
    assert.equal(rows.length, 1)
  })

  it('a receiver down for a while gets every delivery once back, with the same event ids', async () => {
    const { app, url } = sharedServer()
    const { admin, member, orgId } = await hookOrg(url)
    const room = await groupRoom(url, admin, [member.id])
    await registerWebhook(url, admin, receiver.url, ['message.created'])
    await receiver.stop()
    const counted = await outcomes()
    const sent = []
    for (let i = 0; i < 20; i++) sent.push(await send(url, member, room.id, `while down ${i}`))
    const db = app.get('postgresqlClient')
    // Attempts fail while it is down (connection refused), and are retried.
    await eventually(
      () => db('webhook_deliveries').where({ org_id: orgId, status: 'failed' }).count({ n: '*' }).first(),
      (row) => Number(row?.n) === 20,
      20000,
      'failed attempts'
    )
    const failed = await db('webhook_deliveries').where({ org_id: orgId })
    assert.ok((await outcomes()).retry - counted.retry >= 20, 'retries counted in metrics')
    assert.ok(failed.every((d) => d.last_error && d.attempts >= 1))
    await receiver.start()
    await receiver.until((all) => new Set(all.map((r) => r.json.data.message.id)).size === 20, 20000)
    assert.deepEqual(
      new Set(receiver.received.map((r) => r.json.data.message.id)),
      new Set(sent.map((m) => m.id))
    )
    const eventIds = new Map(failed.map((d) => [d.data.message.id, d.event_id]))
    for (const r of receiver.received) assert.equal(r.json.id, eventIds.get(r.json.data.message.id))
    await eventually(
      () => db('webhook_deliveries').where({ org_id: orgId, status: 'sent' }).count({ n: '*' }).first(),
      (row) => Number(row?.n) === 20
    )
  })
})

describe('webhooks: pruning old deliveries', () => {
  it('removes sent and dead deliveries older than keepDays, never pending or failed ones', async () => {
    const { app, url } = sharedServer()
    const db = app.get('postgresqlClient')
    const { admin, orgId } = await hookOrg(url)
    const hook = await api(
      url,
      'POST',
      '/webhooks',
      { url: 'http://127.0.0.1:9/prune', events: ['room.created'], active: false },
      bearer(admin.accessToken)
    )
    const row = (status: string, days: number) => ({
      webhook_id: hook.body.id,
      org_id: orgId,
      event_id: db.raw('gen_random_uuid()'),
      event_type: 'ping',
      status,
      created_at: db.raw(`now() - (? * interval '1 day')`, [days])
    })
    await db('webhook_deliveries').insert([
      row('sent', 40),
      row('dead', 40),
      row('failed', 40),
      row('pending', 40),
      row('sent', 1)
    ])
    await pruneWebhookDeliveries(db, 30)
    const left = await db('webhook_deliveries').where({ webhook_id: hook.body.id }).orderBy('status')
    assert.deepEqual(
      left.map((d) => d.status),
      ['failed', 'pending', 'sent']
    )
  })
})
