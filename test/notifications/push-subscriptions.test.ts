// The push-subscriptions service over REST and Socket.IO: registering devices (browser PushSubscription JSON),
// listing my own with the VAPID public key, moving a subscription to whoever registers it last (its endpoint
// alone is not enough), removing, the
// device cap, refusing bad keys and (with private endpoints not allowed) http, private and localhost targets.
import assert from 'node:assert/strict'
import webpush from 'web-push'
import { forEachTransport } from '../helpers/clients'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { clientFor, register, uniq } from '../helpers/fixtures'
import { clientPool, orgWith, rejectsWith } from '../services/rooms/helpers'
import { MAX_DEVICES } from '../../src/services/push-subscriptions/push-subscriptions.class'
import {
  EndpointRefused,
  checkEndpoint,
  guardedLookup,
  isPrivateAddress
} from '../../src/notifications/net-guard'
import { browserKeys } from './helpers'
import { pushSubscriptionSchema } from '../../src/services/push-subscriptions/push-subscriptions.schema'
import { assertMatches, assertPageMatches } from '../helpers/schemas'

const endpoint = () => `https://push.example.com/send/${uniq('ep')}`

forEachTransport('push-subscriptions', (transport) => {
  const pool = clientPool(transport)

  it('registers my devices, lists only mine with the VAPID key, and removes them', async () => {
    const { members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const b = await pool.client(bob)
    const c = await pool.client(carol)
    const url = endpoint()
    const sub = await b
      .service('push-subscriptions')
      .create({ endpoint: url, expirationTime: null, keys: browserKeys().keys })
    assertMatches(pushSubscriptionSchema, sub)
    assert.equal(sub.user_id, bob.id)
    assert.equal(sub.endpoint, url)
    assert.ok(!('keys' in sub) && !('p256dh' in sub), 'keys are never sent back')
    const page = await b.service('push-subscriptions').find()
    assertPageMatches(pushSubscriptionSchema, page)
    assertMatches(pushSubscriptionSchema, await b.service('push-subscriptions').get(sub.id))
    assert.deepEqual(
      page.data.map((s) => s.id),
      [sub.id]
    )
    assert.equal(Buffer.from(page.vapid_public_key, 'base64url').length, 65, 'an uncompressed P-256 key')
    assert.equal((await c.service('push-subscriptions').find()).total, 0)
    await rejectsWith(c.service('push-subscriptions').get(sub.id), 'NotFound', 'not_found')
    await rejectsWith(c.service('push-subscriptions').remove(sub.id), 'NotFound', 'not_found')

    // Re-registering keeps the row (with the browser's new keys); the same subscription (endpoint and keys)
    // registered by someone else moves to them; the endpoint alone, with other keys, does not.
    const keys = browserKeys().keys
    const again = await b.service('push-subscriptions').create({ endpoint: url, keys })
    assert.equal(again.id, sub.id)
    await rejectsWith(
      c.service('push-subscriptions').create({ endpoint: url, keys: browserKeys().keys }),
      'Conflict',
      'endpoint_taken'
    )
    assert.deepEqual(
      (await b.service('push-subscriptions').find()).data.map((s) => s.id),
      [sub.id],
      'still Bob’s device'
    )
    const moved = await c.service('push-subscriptions').create({ endpoint: url, keys })
    assertMatches(pushSubscriptionSchema, moved)
    assert.equal(moved.user_id, carol.id)
    assert.equal((await b.service('push-subscriptions').find()).total, 0)
    const removed = await c.service('push-subscriptions').remove(moved.id)
    assertMatches(pushSubscriptionSchema, removed)
    assert.equal(removed.id, moved.id)
    assert.equal((await c.service('push-subscriptions').find()).total, 0)
  })

  it(`keeps the newest ${MAX_DEVICES} devices per user`, async () => {
    const { members } = await orgWith(pool.url, 1)
    const b = await pool.client(members[0])
    const ids: string[] = []
    for (let i = 0; i <= MAX_DEVICES; i++) {
      ids.push(
        (await b.service('push-subscriptions').create({ endpoint: endpoint(), keys: browserKeys().keys })).id
      )
    }
    const kept = (await b.service('push-subscriptions').find({ query: { $limit: 100 } })).data.map(
      (s) => s.id
    )
    assert.deepEqual(kept.sort(), ids.slice(1).sort())
  })

  it('refuses malformed subscriptions', async () => {
    const { members } = await orgWith(pool.url, 1)
    const subs = (await pool.client(members[0])).service('push-subscriptions')
    const { keys } = browserKeys()
    const notAPoint = Buffer.alloc(65, 7).toString('base64url')
    await rejectsWith(
      subs.create({ endpoint: endpoint(), keys: { ...keys, p256dh: notAPoint } }),
      'BadRequest',
      'invalid_subscription'
    )
    await rejectsWith(
      subs.create({ endpoint: endpoint(), keys: { ...keys, auth: Buffer.alloc(17).toString('base64url') } }),
      'BadRequest',
      'invalid_subscription'
    )
    await rejectsWith(subs.create({ endpoint: endpoint() } as any), 'BadRequest')
    await rejectsWith(
      subs.create({ endpoint: endpoint(), keys, user_id: members[0].id } as any),
      'BadRequest'
    )
    await rejectsWith(
      subs.create({ endpoint: 'not a url at all', keys }),
      'BadRequest',
      'endpoint_not_allowed'
    )
  })
})

describe('push-subscriptions: endpoint guard', () => {
  let strict: TestServer
  before(async () => {
    const notifications = sharedServer().app.get('notifications')
    strict = await startServer({
      notifications: { ...notifications, push: { ...notifications.push, allowPrivateEndpoints: false } }
    })
  })
  after(() => strict?.stop())

  it('refuses http, private addresses and localhost unless private endpoints are allowed', async () => {
    const tc = await clientFor(strict.url, 'rest', await register(strict.url))
    const subs = tc.client.service('push-subscriptions')
    const { keys } = browserKeys()
    for (const target of [
      'http://push.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://169.254.169.254/latest',
      'https://localhost:8443/x',
      'https://user:pw@push.example.com/x'
    ]) {
      await rejectsWith(subs.create({ endpoint: target, keys }), 'BadRequest', 'endpoint_not_allowed')
    }
    assert.ok(await subs.create({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys }))
  })

  it('classifies addresses and refuses names that resolve to private ones', async () => {
    for (const address of [
      '10.0.0.1',
      '127.0.0.1',
      '192.168.1.1',
      '172.20.0.1',
      '::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '0.0.0.0'
    ])
      assert.equal(isPrivateAddress(address), true, address)
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])
      assert.equal(isPrivateAddress(address), false, address)
    assert.throws(() => checkEndpoint('https://192.168.0.10/x', false), EndpointRefused)
    assert.equal(checkEndpoint('http://127.0.0.1:9/x', true).port, '9')
    const lookup = guardedLookup(false)
    const error = await new Promise<any>((resolve) => lookup('localhost', {}, (err) => resolve(err)))
    assert.ok(error instanceof EndpointRefused, 'localhost resolves to loopback: refused')
    const allowed = await new Promise<any>((resolve) =>
      guardedLookup(true)('localhost', {}, (err, address) => resolve(err ?? address))
    )
    assert.equal(typeof allowed, 'string')
  })

  it('refuses to start with half a VAPID key pair', async () => {
    const notifications = sharedServer().app.get('notifications')
    const { publicKey } = webpush.generateVAPIDKeys()
    await assert.rejects(
      startServer({
        notifications: { ...notifications, push: { ...notifications.push, vapidPublicKey: publicKey } }
      }),
      /VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY/
    )
  })
})
