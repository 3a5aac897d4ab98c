// Orgs over REST and Socket.IO: creation makes the creator ADMIN, one org per user, role matrix for edits.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { addMember, clientFor, createOrg, register, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { orgSchema } from '../../../src/services/orgs/orgs.schema'
import { userSchema } from '../../../src/services/users/users.schema'
import { assertMatches } from '../../helpers/schemas'

forEachTransport('orgs', (transport) => {
  let url: string
  const open: TestClient[] = []
  const client = async (account: Account) => {
    const tc = await clientFor(url, transport, account)
    open.push(tc)
    return tc.client
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('creates an org whose creator becomes its ADMIN, with a slug', async () => {
    const me = await register(url)
    const c = await client(me)
    const org = await c.service('orgs').create({ name: '  Ächme\u0007 Corp  ' })
    assertMatches(orgSchema, org)
    assert.equal(org.name, 'Ächme Corp')
    assert.match(org.slug, /^achme-corp/)
    assert.equal(org.retention_days, 90)
    const self = await c.service('users').get(me.id)
    assertMatches(userSchema, self)
    assert.equal(self.org_id, org.id)
    assert.equal(self.role, 'ADMIN')
    assert.deepEqual(
      (await c.service('orgs').find({})).data.map((o: any) => o.id),
      [org.id]
    )
  })

  it('refuses a second org for a member (409) and a taken slug (409)', async () => {
    const { admin } = await createOrg(url)
    await assert.rejects(
      (await client(admin)).service('orgs').create({ name: 'Another' }),
      (e: any) => e.name === 'Conflict' && e.data.code === 'already_in_org'
    )
    const slug = uniq('slug').toLowerCase()
    await (await client(await register(url))).service('orgs').create({ name: 'X', slug })
    await assert.rejects(
      (await client(await register(url))).service('orgs').create({ name: 'Y', slug }),
      (e: any) => e.name === 'Conflict' && e.data.code === 'slug_taken'
    )
  })

  it('creates exactly one org when one user sends two creates at once', async () => {
    const me = await register(url)
    const orgs = (await client(me)).service('orgs')
    const results = await Promise.allSettled([
      orgs.create({ name: 'Race A' }),
      orgs.create({ name: 'Race B' })
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  })

  it('role matrix: only ADMINs rename or change retention; every member reads it', async () => {
    const { admin, orgId } = await createOrg(url)
    const manager = await addMember(url, admin, 'MANAGER')
    const member = await addMember(url, admin, 'MEMBER')
    for (const who of [manager, member]) {
      const orgs = (await client(who)).service('orgs')
      assert.equal((await orgs.get(orgId)).id, orgId)
      await assert.rejects(
        orgs.patch(orgId, { name: 'Nope' }),
        (e: any) => e.name === 'Forbidden' && e.data.code === 'role_required'
      )
    }
    const orgs = (await client(admin)).service('orgs')
    const renamed = await orgs.patch(orgId, { name: 'Renamed', retention_days: 30 })
    assert.equal(renamed.name, 'Renamed')
    assert.equal(renamed.retention_days, 30)
    await assert.rejects(orgs.patch(orgId, { slug: 'changed' } as any), { name: 'BadRequest' })
    await assert.rejects(orgs.patch(orgId, { retention_days: 0 }), { name: 'BadRequest' })
    await assert.rejects(orgs.patch(orgId, {}), { name: 'BadRequest' })
    await assert.rejects(
      orgs.remove(orgId as any) as any,
      (e: any) => e.name === 'MethodNotAllowed' || e.name === 'NotFound'
    )
  })

  it('refuses a user without an org with 403 no_org', async () => {
    const c = await client(await register(url))
    await assert.rejects(
      c.service('orgs').find({}),
      (e: any) => e.name === 'Forbidden' && e.data.code === 'no_org'
    )
  })
})
