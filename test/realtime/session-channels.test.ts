// A socket's channels follow its login: logging in as someone else drops the previous user's channels, and a
// session ended elsewhere (logout over REST, a re-used refresh token) drops that session's live sockets.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg, uniq } from '../helpers/fixtures'
import { record } from '../helpers/events'

describe('realtime: channels follow the session', () => {
  let url: string
  const open: TestClient[] = []
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('drops the previous user’s channels when a socket logs in as someone else', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const carol = await addMember(url, admin)
    const room = await api(
      url,
      'POST',
      '/rooms',
      { name: 'Bob only', member_ids: [bob.id] },
      bearer(admin.accessToken)
    )
    const tc = await clientFor(url, 'socketio', bob)
    open.push(tc)
    const seen = record(tc.client, ['messages', 'users'])
    await tc.client.authenticate({ strategy: 'local', email: carol.email, password: carol.password })
    await api(url, 'POST', '/messages', { room_id: room.body.id, body: 'for bob' }, bearer(admin.accessToken))
    // Carol's own profile change reaches her; anything from Bob's room would have arrived first.
    const name = uniq('Carol ')
    await api(url, 'PATCH', `/users/${carol.id}`, { name }, bearer(carol.accessToken))
    await seen.waitFor((r) => r.path === 'users' && r.data.name === name)
    assert.deepEqual(
      seen.seen.filter((r) => r.path === 'messages'),
      []
    )
  })

  it('disconnects a session’s sockets when it logs out elsewhere', async () => {
    const { admin } = await createOrg(url)
    const tc = await clientFor(url, 'socketio', admin)
    open.push(tc)
    const dropped = new Promise((resolve) => tc.socket!.once('disconnect', resolve))
    const out = await api(url, 'DELETE', '/authentication', undefined, bearer(admin.accessToken))
    assert.equal(out.status, 200)
    await dropped
  })

  it('disconnects a session’s sockets when its refresh token is re-used', async () => {
    const { admin } = await createOrg(url)
    const tc = await clientFor(url, 'socketio', admin)
    open.push(tc)
    const dropped = new Promise((resolve) => tc.socket!.once('disconnect', resolve))
    const first = await api(url, 'POST', '/authentication', {
      strategy: 'refresh',
      refreshToken: admin.refreshToken
    })
    assert.equal(first.status, 201)
    const reused = await api(url, 'POST', '/authentication', {
      strategy: 'refresh',
      refreshToken: admin.refreshToken
    })
    assert.equal(reused.body.data.code, 'refresh_token_reused')
    await dropped
  })
})
