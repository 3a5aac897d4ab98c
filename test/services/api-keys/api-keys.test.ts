// The api-keys service over REST and Socket.IO: ADMIN only, key shown once, scopes validated, org isolation,
// revocation (immediate, audited) and last_used_at.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { api, createOrg, register } from '../../helpers/fixtures'
import { API_KEY_PATTERN } from '../../../src/auth/api-key-strategy'
import { auditRows, clientPool, newKey, staffedOrg, withKey } from './helpers'
import type { Staff } from './helpers'
import { apiKeySchema } from '../../../src/services/api-keys/api-keys.schema'
import { assertMatches } from '../../helpers/schemas'

const FIELDS = [
  'bot_user_id',
  'created_at',
  'created_by',
  'id',
  'last_used_at',
  'name',
  'org_id',
  'prefix',
  'revoked_at',
  'scopes'
]

forEachTransport('api-keys', (transport) => {
  let url: string
  let staff: Staff
  const pool = clientPool(transport)
  const keysAs = async (role: keyof Omit<Staff, 'orgId'>) =>
    (await pool.client(url, staff[role])).service('api-keys')

  before(async () => {
    url = sharedServer().url
    staff = await staffedOrg(url)
  })
  after(() => pool.closeAll())

  it('lets only ADMINs call every method; MANAGERs, MEMBERs and users without an org get 403', async () => {
    const admin = await keysAs('ADMIN')
    const created = await admin.create({ name: 'matrix', scopes: ['users:read'] })
    assertMatches(apiKeySchema, created)
    assert.equal((await admin.get(created.id)).id, created.id)
    assert.ok((await admin.find({ query: { $limit: 100 } })).data.some((k: any) => k.id === created.id))
    for (const role of ['MANAGER', 'MEMBER'] as const) {
      const keys = await keysAs(role)
      const denied = (e: any) => e.name === 'Forbidden' && e.data.code === 'role_required'
      await assert.rejects(keys.find({}), denied, `${role} find`)
      await assert.rejects(keys.get(created.id), denied, `${role} get`)
      await assert.rejects(keys.create({ name: 'nope', scopes: ['users:read'] }), denied, `${role} create`)
      await assert.rejects(keys.remove(created.id), denied, `${role} remove`)
    }
    const loner = (await pool.client(url, await register(url))).service('api-keys')
    await assert.rejects(loner.find({}), (e: any) => e.name === 'Forbidden' && e.data.code === 'no_org')
    await assert.rejects(
      loner.create({ name: 'nope', scopes: ['users:read'] }),
      (e: any) => e.data.code === 'no_org'
    )
    // Nothing the others tried changed the key.
    assert.equal((await admin.get(created.id)).revoked_at, null)
  })

  it('returns the key once, in the format the strategy parses; find and get never return key or key_hash', async () => {
    const admin = await keysAs('ADMIN')
    const created = await admin.create({ name: '  CI\u0000 deploy  ', scopes: ['users:read', 'audit:read'] })
    assert.match(created.key!, API_KEY_PATTERN)
    assert.match(created.key!, /^cbk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/)
    assert.equal(created.key!.slice(4, 16), created.prefix)
    assert.deepEqual(Object.keys(created).sort(), [...FIELDS, 'key'].sort())
    assert.equal(created.name, 'CI deploy')
    assert.deepEqual(created.scopes, ['users:read', 'audit:read'])
    assert.equal(created.created_by, staff.ADMIN.id)
    assert.equal(created.org_id, staff.orgId)
    assert.equal(created.last_used_at, null)
    assert.equal(created.revoked_at, null)
    const got = await admin.get(created.id)
    assert.deepEqual(Object.keys(got).sort(), FIELDS)
    const listed = (await admin.find({ query: { $limit: 100 } })).data
    assert.ok(listed.length > 0)
    for (const row of listed) assert.deepEqual(Object.keys(row).sort(), FIELDS)
    assert.ok(!JSON.stringify(listed).includes(created.key!.slice(17)))
    // Two keys never share a secret or a prefix.
    const other = await admin.create({ name: 'other', scopes: ['users:read'] })
    assert.notEqual(other.prefix, created.prefix)
    assert.notEqual(other.key, created.key)
  })

  it('accepts only a non-empty list of unique known scopes and nothing but name and scopes', async () => {
    const admin = await keysAs('ADMIN')
    const bad = (e: any) => e.name === 'BadRequest' && e.data.code === 'validation_error'
    await assert.rejects(admin.create({ name: 'k', scopes: ['users:read', 'users:write'] }), bad)
    await assert.rejects(admin.create({ name: 'k', scopes: ['api-keys:manage'] }), bad)
    await assert.rejects(admin.create({ name: 'k', scopes: [] }), bad)
    await assert.rejects(admin.create({ name: 'k', scopes: ['users:read', 'users:read'] }), bad)
    await assert.rejects(admin.create({ name: 'k', scopes: 'users:read' } as any), bad)
    await assert.rejects(admin.create({ name: ' \u0000 ', scopes: ['users:read'] }), bad)
    await assert.rejects(admin.create({ name: 'x'.repeat(81), scopes: ['users:read'] }), bad)
    await assert.rejects(admin.create({ scopes: ['users:read'] } as any), bad)
    await assert.rejects(admin.create({ name: 'k', scopes: ['users:read'], key_hash: 'abc' } as any), bad)
    await assert.rejects(admin.create({ name: 'k', scopes: ['users:read'], org_id: staff.orgId } as any), bad)
    await assert.rejects(admin.find({ query: { key_hash: 'abc' } as any }), bad)
  })

  it("keeps each org to its own keys: another org's key ids answer 404 and never show in lists", async () => {
    const mine = await newKey(url, staff.ADMIN, ['users:read'])
    const { admin: otherAdmin } = await createOrg(url)
    const theirs = (await pool.client(url, otherAdmin)).service('api-keys')
    const notFound = (e: any) => e.name === 'NotFound'
    await assert.rejects(theirs.get(mine.id), notFound)
    await assert.rejects(theirs.remove(mine.id), notFound)
    await assert.rejects(theirs.get('not-a-uuid'), notFound)
    const list = await theirs.find({ query: { $limit: 100 } })
    assert.ok(list.data.every((k: any) => k.org_id === otherAdmin.org_id))
    assert.ok(!list.data.some((k: any) => k.id === mine.id))
    // The key still works: the other org's remove did nothing.
    assert.equal((await api(url, 'GET', '/users', undefined, withKey(mine.key))).status, 200)
  })

  it('revokes on remove: the key stops working at once, the row stays, and both events are audited', async () => {
    const admin = await keysAs('ADMIN')
    const created = await admin.create({ name: 'to revoke', scopes: ['users:read'] })
    assert.equal((await api(url, 'GET', '/users', undefined, withKey(created.key!))).status, 200)
    const revoked = await admin.remove(created.id)
    assert.equal(revoked.id, created.id)
    assert.ok(revoked.revoked_at)
    assert.ok(!('key_hash' in revoked) && !('key' in revoked))
    const after = await api(url, 'GET', '/users', undefined, withKey(created.key!))
    assert.equal(after.status, 401)
    assert.equal(after.body.data.code, 'invalid_api_key')
    assert.ok((await admin.get(created.id)).revoked_at)
    // Revoking again is harmless and is not audited twice.
    assert.equal(
      new Date((await admin.remove(created.id)).revoked_at).getTime(),
      new Date(revoked.revoked_at).getTime()
    )
    const createdRows = await auditRows(url, staff.ADMIN, 'api_key.created', created.id)
    const revokedRows = await auditRows(url, staff.ADMIN, 'api_key.revoked', created.id)
    assert.equal(createdRows.length, 1)
    assert.equal(revokedRows.length, 1)
    for (const row of [...createdRows, ...revokedRows]) {
      assert.equal(row.actor_id, staff.ADMIN.id)
      assert.equal(row.org_id, staff.orgId)
      assert.deepEqual(row.meta, {
        name: 'to revoke',
        scopes: ['users:read'],
        bot_user_id: created.bot_user_id
      })
    }
  })

  it('sets last_used_at when the key is first used', async () => {
    const admin = await keysAs('ADMIN')
    const created = await admin.create({ name: 'usage', scopes: ['users:read'] })
    assert.equal((await admin.get(created.id)).last_used_at, null)
    assert.equal((await api(url, 'GET', '/users', undefined, withKey(created.key!))).status, 200)
    const used = await admin.get(created.id)
    assert.ok(used.last_used_at, 'last_used_at is set')
    assert.ok(new Date(used.last_used_at).getTime() >= new Date(created.created_at).getTime())
  })
})
