// A DM is unique per pair within an org: two people who both move to another org open a new DM there, while
// their old one stays with the org it belongs to.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { addMember, api, bearer, createOrg } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { db } from './helpers'

describe('rooms: DMs per org', () => {
  it('opens a new DM for a pair that moved to another org together', async () => {
    const { url } = sharedServer()
    const { admin: adminA, orgId: orgA } = await createOrg(url)
    const [alice, bob] = await Promise.all([addMember(url, adminA), addMember(url, adminA)])
    const openDm = (from: Account, to: Account) =>
      api(url, 'POST', '/rooms', { kind: 'dm', user_id: to.id }, bearer(from.accessToken))
    const old = await openDm(alice, bob)
    assert.equal(old.status, 201)

    const { admin: adminB, orgId: orgB } = await createOrg(url)
    for (const who of [alice, bob]) {
      const left = await api(url, 'DELETE', `/users/${who.id}`, undefined, bearer(who.accessToken))
      assert.equal(left.status, 200)
      const invite = await api(
        url,
        'POST',
        '/invites',
        { email: who.email, role: 'MEMBER' },
        bearer(adminB.accessToken)
      )
      const joined = await api(
        url,
        'POST',
        '/invite-acceptances',
        { token: invite.body.token },
        bearer(who.accessToken)
      )
      assert.equal(joined.status, 201, JSON.stringify(joined.body))
    }

    const fresh = await openDm(alice, bob)
    assert.equal(fresh.status, 201, JSON.stringify(fresh.body))
    assert.notEqual(fresh.body.id, old.body.id)
    assert.equal(fresh.body.org_id, orgB)
    assert.equal(fresh.body.dm_peer_id, bob.id)
    assert.equal((await openDm(bob, alice)).body.id, fresh.body.id, 'the other way round finds the same DM')
    const sent = await api(
      url,
      'POST',
      '/messages',
      { room_id: fresh.body.id, body: 'new place' },
      bearer(bob.accessToken)
    )
    assert.equal(sent.status, 201)
    // The old DM stays with org A, and out of sight from org B.
    assert.equal((await db()('rooms').where({ id: old.body.id }).first()).org_id, orgA)
    assert.equal(
      (await api(url, 'GET', `/rooms/${old.body.id}`, undefined, bearer(alice.accessToken))).status,
      404
    )
  })
})
