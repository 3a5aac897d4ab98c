// Room-scoped notifications (DMs, mentions) never reach someone who has left the room or the org, even though
// a DM's key still names them: the text of a conversation they no longer belong to must not leak.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import { notificationsSettled } from '../../src/notifications'

describe('notifications after leaving', () => {
  it('sends a former DM partner who left the org nothing of the DM', async () => {
    const { url, app } = sharedServer()
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const dm = await api(url, 'POST', '/rooms', { kind: 'dm', user_id: bob.id }, bearer(admin.accessToken))
    const before = await api(
      url,
      'POST',
      '/messages',
      { room_id: dm.body.id, body: 'hello bob' },
      bearer(admin.accessToken)
    )
    await notificationsSettled(app)
    const got = await api(url, 'GET', '/notifications', undefined, bearer(bob.accessToken))
    assert.ok(
      got.body.data.some((n: any) => n.message_id === before.body.id),
      'the DM notified Bob while he was in it'
    )

    assert.equal(
      (await api(url, 'DELETE', `/users/${bob.id}`, undefined, bearer(bob.accessToken))).status,
      200
    )
    assert.equal(
      (await api(url, 'POST', '/orgs', { name: 'Elsewhere' }, bearer(bob.accessToken))).status,
      201
    )
    const after = await api(
      url,
      'POST',
      '/messages',
      { room_id: dm.body.id, body: 'secret plans for Q3' },
      bearer(admin.accessToken)
    )
    assert.equal(after.status, 201)
    await notificationsSettled(app)
    const now = await api(url, 'GET', '/notifications', undefined, bearer(bob.accessToken))
    assert.equal(now.status, 200)
    assert.ok(
      !now.body.data.some((n: any) => n.message_id === after.body.id),
      'a DM notified someone who left'
    )
    assert.ok(!JSON.stringify(now.body).includes('secret plans'))
  })
})
