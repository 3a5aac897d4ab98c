// Realtime delivery of org and profile events: members of the org receive them, nobody else does, and
// channel membership follows joining and leaving the org at once.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg, register, uniq } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { record } from '../helpers/events'

describe('realtime: org channels', () => {
  let url: string
  const open: TestClient[] = []
  const live = async (account: Account) => {
    const tc = await clientFor(url, 'socketio', account)
    open.push(tc)
    return { tc, events: record(tc.client, ['users', 'orgs']) }
  }
  // The marker: an outsider's own profile change reaches only them; once it arrives, anything sent
  // earlier to them would have arrived before it.
  const marker = async (who: Account, events: ReturnType<typeof record>) => {
    const name = uniq('Marker ')
    await api(url, 'PATCH', `/users/${who.id}`, { name }, bearer(who.accessToken))
    await events.waitFor((r) => r.path === 'users' && r.data.id === who.id && r.data.name === name)
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('sends profile changes and org renames to the org, not to other orgs or users without an org', async () => {
    const { admin } = await createOrg(url)
    const member = await addMember(url, admin)
    const other = (await createOrg(url)).admin
    const loner = await register(url)
    const adminLive = await live(admin)
    const otherLive = await live(other)
    const lonerLive = await live(loner)

    await api(url, 'PATCH', `/users/${member.id}`, { bio: 'hello' }, bearer(member.accessToken))
    const got = await adminLive.events.waitFor(
      (r) => r.path === 'users' && r.event === 'patched' && r.data.id === member.id
    )
    assert.equal(got.data.bio, 'hello')
    assert.ok(!('password' in got.data))
    await api(url, 'PATCH', `/orgs/${admin.org_id}`, { name: 'Renamed' }, bearer(admin.accessToken))
    await adminLive.events.waitFor((r) => r.path === 'orgs' && r.data.name === 'Renamed')

    for (const [who, events] of [
      [other, otherLive.events],
      [loner, lonerLive.events]
    ] as const) {
      await marker(who, events)
      assert.deepEqual(
        events.seen.filter((r) => r.data.id === member.id || r.data.id === admin.org_id),
        [],
        'an outsider received an org event'
      )
    }
  })

  it('moves a connected user into the org channel when they accept an invite, and out when removed', async () => {
    const { admin } = await createOrg(url)
    const joiner = await register(url)
    const joinerLive = await live(joiner)
    const invite = await api(
      url,
      'POST',
      '/invites',
      { email: joiner.email, role: 'MEMBER' },
      bearer(admin.accessToken)
    )
    const accepted = await api(
      url,
      'POST',
      '/invite-acceptances',
      { token: invite.body.token },
      bearer(joiner.accessToken)
    )
    assert.equal(accepted.status, 201)
    // Without reconnecting, the joiner now receives the org's events.
    await api(url, 'PATCH', `/orgs/${admin.org_id}`, { name: 'Welcome' }, bearer(admin.accessToken))
    await joinerLive.events.waitFor((r) => r.path === 'orgs' && r.data.name === 'Welcome')

    await api(url, 'DELETE', `/users/${joiner.id}`, undefined, bearer(admin.accessToken))
    await api(url, 'PATCH', `/orgs/${admin.org_id}`, { name: 'After removal' }, bearer(admin.accessToken))
    await marker(joiner, joinerLive.events)
    assert.equal(
      joinerLive.events.seen.filter((r) => r.path === 'orgs' && r.data.name === 'After removal').length,
      0
    )
  })
})
