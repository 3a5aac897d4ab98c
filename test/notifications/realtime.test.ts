// Notification events on real sockets: a notification reaches every device of its user and nobody else (not the
// actor, not other members of the room), proven by a marker event that does reach the others afterwards;
// reading on one device reaches the other devices; preference changes sync to my devices only.
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { sharedServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { record } from '../helpers/events'

type Events = ReturnType<typeof record>

describe('realtime: notification events', () => {
  let url: string
  const open: TestClient[] = []
  const rest = async (account: Account): Promise<ClientApplication> => {
    const tc = await clientFor(url, 'rest', account)
    open.push(tc)
    return tc.client
  }
  // One device (socket) of the account, recording its notification and preference events.
  const device = async (account: Account): Promise<Events & { client: ClientApplication }> => {
    const tc = await clientFor(url, 'socketio', account)
    open.push(tc)
    return { ...record(tc.client, ['notifications', 'notification-preferences']), client: tc.client }
  }
  const notificationsOf = (d: Events) => d.seen.filter((e) => e.path === 'notifications')

  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('reaches all of the user’s devices and nobody else; reading on one device reaches the others', async () => {
    const { admin: ann } = await createOrg(url)
    const bob = await addMember(url, ann)
    const carol = await addMember(url, ann)
    const asAnn = await rest(ann)
    const room = await asAnn.service('rooms').create({ name: 'Standup', member_ids: [bob.id, carol.id] })
    const annDevice = await device(ann)
    const [phone, laptop] = [await device(bob), await device(bob)]
    const carolDevice = await device(carol)

    const message = await asAnn
      .service('messages')
      .create({ room_id: room.id, body: `@${bob.username} standup?` })
    const [onPhone, onLaptop] = await Promise.all(
      [phone, laptop].map((d) =>
        d.waitFor(
          (e) => e.path === 'notifications' && e.event === 'created' && e.data.message_id === message.id
        )
      )
    )
    assert.deepEqual(onPhone.data, onLaptop.data)
    assert.equal(onPhone.data.user_id, bob.id)
    assert.equal(onPhone.data.type, 'mention')
    assert.equal(onPhone.data.read, false)

    // Markers: a notification of their own reaches Carol and Ann after Bob's did; nothing of Bob's came first.
    const asBob = await rest(bob)
    const marker = await asBob
      .service('messages')
      .create({ room_id: room.id, body: `@${carol.username} @${ann.username} here` })
    for (const d of [carolDevice, annDevice]) {
      await d.waitFor(
        (e) => e.path === 'notifications' && e.event === 'created' && e.data.message_id === marker.id
      )
      assert.ok(
        notificationsOf(d).every((e) => e.data.user_id !== bob.id),
        'another user received Bob’s notification'
      )
    }

    await phone.client.service('notifications').patch(onPhone.data.id, { read: true })
    const synced = await laptop.waitFor(
      (e) => e.path === 'notifications' && e.event === 'patched' && e.data.id === onPhone.data.id
    )
    assert.equal(synced.data.read, true)
    // Carol's marker: her own read arrives, Bob's read never did.
    const carolNote = notificationsOf(carolDevice).find((e) => e.data.message_id === marker.id)!.data
    await carolDevice.client.service('notifications').patch(carolNote.id, { read: true })
    await carolDevice.waitFor(
      (e) => e.path === 'notifications' && e.event === 'patched' && e.data.id === carolNote.id
    )
    assert.ok(notificationsOf(carolDevice).every((e) => e.data.user_id === carol.id))
    assert.ok(notificationsOf(annDevice).every((e) => e.data.user_id === ann.id))
  })

  it('syncs preference changes to my other devices only', async () => {
    const { admin: ann } = await createOrg(url)
    const bob = await addMember(url, ann)
    const [phone, laptop] = [await device(bob), await device(bob)]
    const annDevice = await device(ann)
    const set = await phone.client.service('notification-preferences').create({ level: 'mentions' })
    const created = await laptop.waitFor((e) => e.path === 'notification-preferences' && e.data.id === set.id)
    // The defaults row already existed (created on first sight) or not: either way it arrives as one event.
    assert.ok(['created', 'patched'].includes(created.event))
    assert.equal(created.data.level, 'mentions')
    const again = await phone.client.service('notification-preferences').create({ level: 'nothing' })
    const patched = await laptop.waitFor(
      (e) => e.path === 'notification-preferences' && e.event === 'patched' && e.data.level === 'nothing'
    )
    assert.equal(patched.data.id, again.id)
    // Ann's marker: her own change reaches her, Bob's never did.
    await annDevice.client.service('notification-preferences').create({ email: false })
    await annDevice.waitFor((e) => e.path === 'notification-preferences')
    assert.ok(annDevice.seen.every((e) => e.data.user_id === ann.id))
  })
})
