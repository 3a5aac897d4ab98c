// The webhooks and webhook-deliveries services over REST and Socket.IO alike: the secret is shown once, list,
// patch, rotate, remove; ping and redeliver; bad input is a 400 with a stable code; another org's ids are 404;
// non-ADMINs get 403.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { forEachTransport } from '../helpers/clients'
import { createOrg } from '../helpers/fixtures'
import { clientPool } from '../services/api-keys/helpers'
import { verifyWebhookSignature } from '../../src/client'
import { Receiver, eventually } from './receiver'
import { hookOrg } from './helpers'
import type { HookOrg } from './helpers'

const rejects = async (promise: Promise<unknown>, status: number, code: string) => {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.code, status, JSON.stringify(error))
    assert.equal(error.data?.code, code, JSON.stringify(error))
    return true
  })
}

forEachTransport('webhooks service', (transport) => {
  const pool = clientPool(transport)
  let url: string
  let org: HookOrg
  let receiver: Receiver
  before(async () => {
    url = sharedServer().url
    org = await hookOrg(url)
    receiver = await new Receiver().start()
  })
  after(async () => {
    pool.closeAll()
    await receiver.stop()
  })

  it('creates with the secret shown once; finds, gets, patches and removes', async () => {
    const admin = await pool.client(url, org.admin)
    const created: any = await admin
      .service('webhooks')
      .create({ url: receiver.url, events: ['message.created', 'room.created'], description: ' CI\tbot ' })
    assert.match(created.secret, /^whsec_[A-Za-z0-9_-]{43}$/)
    assert.equal(created.active, true)
    assert.equal(created.description, 'CI bot')
    assert.ok(!('previous_secret' in created) && !('dead_streak' in created))
    const got: any = await admin.service('webhooks').get(created.id)
    assert.equal(got.secret, undefined)
    const page: any = await admin.service('webhooks').find({ query: { active: true } })
    assert.ok(page.data.some((w: any) => w.id === created.id))
    assert.ok(page.data.every((w: any) => w.secret === undefined))
    const patched: any = await admin
      .service('webhooks')
      .patch(created.id, { events: ['member.joined'], active: false })
    assert.deepEqual(patched.events, ['member.joined'])
    assert.equal(patched.active, false)
    assert.equal(patched.secret, undefined)
    const removed: any = await admin.service('webhooks').remove(created.id)
    assert.equal(removed.id, created.id)
    await rejects(admin.service('webhooks').get(created.id), 404, 'not_found')
  })

  it('rotates the secret: the new one is shown once and both sign during the overlap', async () => {
    const admin = await pool.client(url, org.admin)
    const created: any = await admin
      .service('webhooks')
      .create({ url: receiver.url, events: ['room.created'] })
    const rotated: any = await admin.service('webhooks').patch(created.id, { rotate_secret: true })
    assert.match(rotated.secret, /^whsec_/)
    assert.notEqual(rotated.secret, created.secret)
    assert.ok(rotated.previous_secret_expires_at)
    const ping: any = await admin
      .service('webhook-deliveries')
      .create({ webhook_id: created.id, type: 'ping' })
    assert.equal(ping.event_type, 'ping')
    await receiver.until((all) => all.some((r) => r.json.id === ping.event_id))
    const r = receiver.received.find((x) => x.json.id === ping.event_id)!
    const header = String(r.headers['chatboard-signature'])
    assert.equal((header.match(/v1=/g) ?? []).length, 2)
    assert.ok(await verifyWebhookSignature({ body: r.body, header, secret: rotated.secret }))
    assert.ok(await verifyWebhookSignature({ body: r.body, header, secret: created.secret }))
    assert.deepEqual(r.json.data, { webhook_id: created.id })
    await admin.service('webhooks').remove(created.id)
  })

  it('pings, lists and redelivers with the same event id', async () => {
    const admin = await pool.client(url, org.admin)
    const hook: any = await admin.service('webhooks').create({ url: receiver.url, events: ['room.created'] })
    const ping: any = await admin.service('webhook-deliveries').create({ webhook_id: hook.id, type: 'ping' })
    await receiver.until((all) => all.some((r) => r.json.id === ping.event_id))
    // The outcome is recorded just after the receiver answered.
    const sent: any = await eventually(
      () => admin.service('webhook-deliveries').get(ping.id),
      (d: any) => d.status !== 'pending',
      15000,
      'ping outcome recorded'
    )
    assert.equal(sent.status, 'sent')
    assert.equal(sent.response_code, 200)
    const again: any = await admin.service('webhook-deliveries').patch(ping.id, { redeliver: true })
    assert.equal(again.status, 'pending')
    await receiver.until((all) => all.filter((r) => r.json.id === ping.event_id).length === 2)
    const copies = receiver.received.filter((r) => r.json.id === ping.event_id)
    assert.equal(copies[0].body, copies[1].body)
    assert.equal(copies[1].headers['chatboard-delivery'], ping.id)
    const page: any = await admin.service('webhook-deliveries').find({ query: { webhook_id: hook.id } })
    assert.deepEqual(
      page.data.map((d: any) => d.id),
      [ping.id]
    )
    // An inactive webhook is not pinged.
    await admin.service('webhooks').patch(hook.id, { active: false })
    await rejects(
      admin.service('webhook-deliveries').create({ webhook_id: hook.id, type: 'ping' }),
      409,
      'webhook_inactive'
    )
    await admin.service('webhooks').remove(hook.id)
  })

  it('answers bad input with 400 and a stable code', async () => {
    const admin = await pool.client(url, org.admin)
    const bad = (data: any) => rejects(admin.service('webhooks').create(data), 400, 'validation_error')
    await bad({ url: receiver.url, events: [] })
    await bad({ url: receiver.url, events: ['message.exploded'] })
    await bad({ url: receiver.url, events: ['room.created', 'room.created'] })
    await bad({ url: receiver.url, events: ['room.created'], secret: 'mine' })
    await bad({ events: ['room.created'] })
    await rejects(
      admin.service('webhooks').create({ url: 'not a url at all', events: ['room.created'] }),
      400,
      'target_not_allowed'
    )
    await rejects(
      admin.service('webhooks').create({ url: 'ftp://example.com/hook', events: ['room.created'] }),
      400,
      'target_not_allowed'
    )
    const hook: any = await admin.service('webhooks').create({ url: receiver.url, events: ['room.created'] })
    await rejects(admin.service('webhooks').patch(hook.id, {}), 400, 'validation_error')
    await rejects(
      admin.service('webhooks').patch(hook.id, { rotate_secret: false } as any),
      400,
      'validation_error'
    )
    await rejects(
      admin.service('webhook-deliveries').create({ webhook_id: hook.id } as any),
      400,
      'validation_error'
    )
    await rejects(
      admin.service('webhook-deliveries').find({ query: { status: 'exploded' } as any }),
      400,
      'validation_error'
    )
    await admin.service('webhooks').remove(hook.id)
  })

  it("answers another org's ids with 404 and refuses non-ADMINs with 403", async () => {
    const admin = await pool.client(url, org.admin)
    const hook: any = await admin.service('webhooks').create({ url: receiver.url, events: ['room.created'] })
    const ping: any = await admin.service('webhook-deliveries').create({ webhook_id: hook.id, type: 'ping' })
    const other = await createOrg(url)
    const stranger = await pool.client(url, other.admin)
    await rejects(stranger.service('webhooks').get(hook.id), 404, 'not_found')
    await rejects(stranger.service('webhooks').patch(hook.id, { active: false }), 404, 'not_found')
    await rejects(stranger.service('webhooks').remove(hook.id), 404, 'not_found')
    await rejects(stranger.service('webhook-deliveries').get(ping.id), 404, 'not_found')
    await rejects(
      stranger.service('webhook-deliveries').patch(ping.id, { redeliver: true }),
      404,
      'not_found'
    )
    await rejects(
      stranger.service('webhook-deliveries').create({ webhook_id: hook.id, type: 'ping' }),
      404,
      'not_found'
    )
    const theirs: any = await stranger.service('webhook-deliveries').find({ query: { webhook_id: hook.id } })
    assert.equal(theirs.data.length, 0)
    const member = await pool.client(url, org.member)
    await rejects(member.service('webhooks').find({}), 403, 'role_required')
    await rejects(member.service('webhooks').get(hook.id), 403, 'role_required')
    await rejects(
      member.service('webhooks').create({ url: receiver.url, events: ['room.created'] }),
      403,
      'role_required'
    )
    await rejects(member.service('webhook-deliveries').find({}), 403, 'role_required')
    await rejects(
      member.service('webhook-deliveries').patch(ping.id, { redeliver: true }),
      403,
      'role_required'
    )
    assert.equal((await admin.service('webhooks').get(hook.id)).active, true)
    await admin.service('webhooks').remove(hook.id)
  })
})
