// A DM between two current members of an org always opens: someone who left the org (and so its rooms) and
// came back gets their old DM again, starting caught up, and both can write in it.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { addMember, api, bearer, createOrg } from '../../helpers/fixtures'

describe('rooms: DMs after leaving and coming back', () => {
  it('re-admits the returning user to the same DM', async () => {
    const { url } = sharedServer()
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const dm = await api(url, 'POST', '/rooms', { kind: 'dm', user_id: bob.id }, bearer(admin.accessToken))
    await api(
      url,
      'POST',
      '/messages',
      { room_id: dm.body.id, body: 'before you left' },
      bearer(admin.accessToken)
    )
    assert.equal(
      (await api(url, 'DELETE', `/users/${bob.id}`, undefined, bearer(bob.accessToken))).status,
      200
    )
    // Bob is out of the DM while outside the org.
    assert.equal(
      (await api(url, 'GET', `/rooms/${dm.body.id}`, undefined, bearer(bob.accessToken))).status,
      403
    )

    const invite = await api(
      url,
      'POST',
      '/invites',
      { email: bob.email, role: 'MEMBER' },
      bearer(admin.accessToken)
    )
    const back = await api(
      url,
      'POST',
      '/invite-acceptances',
      { token: invite.body.token },
      bearer(bob.accessToken)
    )
    assert.equal(back.status, 201)
    const reopened = await api(
      url,
      'POST',
      '/rooms',
      { kind: 'dm', user_id: admin.id },
      bearer(bob.accessToken)
    )
    assert.equal(reopened.status, 201, JSON.stringify(reopened.body))
    assert.equal(reopened.body.id, dm.body.id)
    assert.equal(reopened.body.member_count, 2)
    assert.equal(reopened.body.unread_count, 0, 'the returning user starts caught up')
    const sent = await api(
      url,
      'POST',
      '/messages',
      { room_id: dm.body.id, body: 'I am back' },
      bearer(bob.accessToken)
    )
    assert.equal(sent.status, 201)
    const again = await api(url, 'POST', '/rooms', { kind: 'dm', user_id: bob.id }, bearer(admin.accessToken))
    assert.equal(again.body.id, dm.body.id)
    assert.equal(again.body.member_count, 2)
  })
})
