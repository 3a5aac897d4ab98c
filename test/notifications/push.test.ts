// Web push delivery to a push endpoint on loopback (allowed by the test config): an offline user's DM or mention
// reaches each subscribed device as an RFC 8291 aes128gcm body that only the device's keys decrypt, with a
// VAPID signature that verifies; online users, push turned off or a read notification get nothing; a device the
// push service reports gone (410) is removed. Plus configured VAPID keys on a private server.
import assert from 'node:assert/strict'
import webpush from 'web-push'
import type { ClientApplication } from '../../src/client'
import { JOBS_TABLE } from '../../src/jobs/backend'
import { PUSH_JOB, sendPush } from '../../src/notifications/push'
import { sharedServer, startServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg, uniq } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import {
  browserKeys,
  decryptPush,
  nextPush,
  notificationsSettled,
  startPushEndpoint,
  verifyVapid,
  waitForPresence
} from './helpers'

describe('notifications: web push', function () {
  this.timeout(20000)
  let endpoint: Awaited<ReturnType<typeof startPushEndpoint>>
  const open: TestClient[] = []
  const app = () => sharedServer().app
  const client = async (
    account: Account,
    transport: 'rest' | 'socketio' = 'rest'
  ): Promise<ClientApplication> => {
    const tc = await clientFor(sharedServer().url, transport, account)
    open.push(tc)
    return tc.client
  }
  // Ann and Bob; Bob's browser subscribed at its own path of the endpoint.
  const scene = async () => {
    const { admin: ann } = await createOrg(sharedServer().url)
    const bob = await addMember(sharedServer().url, ann)
    const a = await client(ann)
    const b = await client(bob)
    const browser = browserKeys()
    const path = `/push/${uniq('device')}`
    const sub = await b
      .service('push-subscriptions')
      .create({ endpoint: `${endpoint.url}${path}`, keys: browser.keys })
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    return { ann, bob, a, b, browser, path, sub, dm }
  }
  const onlyNotification = async (c: ClientApplication, type: 'dm' | 'mention') => {
    const { data } = await c.service('notifications').find({ query: { type } })
    assert.equal(data.length, 1)
    return data[0]
  }
  const pushJobsFor = async (notificationId: string) =>
    (
      await app()
        .get('postgresqlClient')(JOBS_TABLE)
        .where({ name: PUSH_JOB })
        .whereRaw("data->>'notification_id' = ?", [notificationId])
    ).length

  before(async () => {
    endpoint = await startPushEndpoint()
  })
  after(async () => {
    open.forEach((tc) => tc.close())
    await endpoint?.close()
  })

  it('pushes an offline user’s DM, encrypted for the device and signed with our VAPID key', async () => {
    const { ann, a, b, browser, path, dm } = await scene()
    const arrived = endpoint.waitFor(path)
    await a.service('messages').create({ room_id: dm.id, body: 'ping from <ann>' })
    const [request] = await arrived
    const note = await onlyNotification(b, 'dm')

    assert.equal(request.headers['content-encoding'], 'aes128gcm')
    assert.equal(request.headers['content-type'], 'application/octet-stream')
    assert.equal(request.headers.ttl, '86400')
    assert.equal(request.headers.urgency, 'high')
    assert.equal(request.headers.topic, dm.id.replace(/-/g, ''))
    assert.ok(!request.body.includes(Buffer.from('ping')), 'the body is not plain text')
    const payload = decryptPush(request.body, browser)
    assert.deepEqual(payload, {
      notification_id: note.id,
      type: 'dm',
      room_id: dm.id,
      title: `Test ${ann.username}`,
      body: 'ping from <ann>'
    })
    const { key, claims } = verifyVapid(String(request.headers.authorization))
    assert.equal(key, (await b.service('push-subscriptions').find()).vapid_public_key)
    assert.equal(claims.aud, endpoint.url)
    assert.equal(claims.sub, app().get('notifications').push.vapidSubject)
    assert.ok(claims.exp > Date.now() / 1000)

    // Another device's keys cannot read it.
    assert.throws(() => decryptPush(request.body, browserKeys()))
  })

  it('pushes mentions too, and marks the notification pushed once the job is done', async () => {
    const { ann, bob, a, b, browser, path } = await scene()
    const room = await a.service('rooms').create({ name: 'Incidents', member_ids: [bob.id] })
    const arrived = endpoint.waitFor(path)
    await a.service('messages').create({ room_id: room.id, body: `@${bob.username} pager` })
    await notificationsSettled(app())
    const note = await onlyNotification(b, 'mention')
    const done = nextPush(app(), note.id)
    const [request] = await arrived
    assert.equal(decryptPush(request.body, browser).title, `Test ${ann.username} mentioned you in #Incidents`)
    // The job may already have finished when we subscribed: then pushed_at is set already.
    if (!(await b.service('notifications').get(note.id)).pushed_at) await done
    assert.ok((await b.service('notifications').get(note.id)).pushed_at)
  })

  it('pushes nothing to an online user or with push turned off', async () => {
    const { bob, a, b, path, dm } = await scene()
    await client(bob, 'socketio')
    await waitForPresence(app(), bob.id, true)
    await a.service('messages').create({ room_id: dm.id, body: 'you are online' })
    await notificationsSettled(app())
    const online = await onlyNotification(b, 'dm')
    assert.equal(await pushJobsFor(online.id), 0)

    open.pop()!.close()
    await waitForPresence(app(), bob.id, false)
    await b.service('notification-preferences').create({ push: false })
    await a.service('messages').create({ room_id: dm.id, body: 'push is off' })
    await notificationsSettled(app())
    const { data } = await b.service('notifications').find({ query: { type: 'dm' } })
    assert.equal(data.length, 2)
    assert.equal(await pushJobsFor(data[0].id), 0)
    assert.equal(endpoint.to(path).length, 0)
  })

  it('removes a device the push service reports gone (410)', async () => {
    const { a, b, path, dm } = await scene()
    endpoint.status.set(path, 410)
    const arrived = endpoint.waitFor(path)
    await a.service('messages').create({ room_id: dm.id, body: 'anyone?' })
    await arrived
    const note = await onlyNotification(b, 'dm')
    // Finished before we could subscribe, or still to finish: either way the device goes.
    if ((await b.service('push-subscriptions').find()).total > 0) await nextPush(app(), note.id)
    assert.equal((await b.service('push-subscriptions').find()).total, 0)
  })

  it('signs with configured VAPID keys when they are set', async () => {
    const keys = webpush.generateVAPIDKeys()
    const notifications = app().get('notifications')
    const configured = await startServer({
      notifications: {
        ...notifications,
        push: {
          ...notifications.push,
          vapidPublicKey: keys.publicKey,
          vapidPrivateKey: keys.privateKey,
          vapidSubject: 'https://chatboard.test/contact'
        }
      }
    })
    try {
      const { admin } = await createOrg(configured.url)
      const tc = await clientFor(configured.url, 'rest', admin)
      open.push(tc)
      assert.equal((await tc.client.service('push-subscriptions').find()).vapid_public_key, keys.publicKey)
      const browser = browserKeys()
      const path = `/push/${uniq('configured')}`
      const status = await sendPush(
        configured.app,
        {
          id: 'x',
          user_id: admin.id,
          endpoint: `${endpoint.url}${path}`,
          p256dh: browser.keys.p256dh,
          auth: browser.keys.auth
        },
        { hello: 'world' }
      )
      assert.equal(status, 201)
      const [request] = endpoint.to(path)
      const { key, claims } = verifyVapid(String(request.headers.authorization))
      assert.equal(key, keys.publicKey)
      assert.equal(claims.sub, 'https://chatboard.test/contact')
      assert.deepEqual(decryptPush(request.body, browser), { hello: 'world' })
    } finally {
      await configured.stop()
    }
  })
})
