// API keys at work (REST with X-API-Key): each key acts for its org only, within its scopes, and can never
// manage API keys; garbage and revoked keys get 401 invalid_api_key.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { api, bearer, createOrg } from '../../helpers/fixtures'
import { knownScopes } from '../../../src/auth/scopes'
import { newKey, staffedOrg, withKey } from './helpers'
import type { Staff } from './helpers'

const scopeMissing = (res: { status: number; body: any }, scope?: string) => {
  assert.equal(res.status, 403, JSON.stringify(res.body))
  assert.equal(res.body.data.code, 'scope_missing')
  if (scope) assert.equal(res.body.data.scope, scope)
}

describe('API key scopes [rest]', () => {
  let url: string
  let staff: Staff
  let other: { admin: Staff['ADMIN']; orgId: string }

  before(async () => {
    url = sharedServer().url
    staff = await staffedOrg(url)
    other = await createOrg(url)
  })

  it("a users:read key lists and reads only its own org's users, and cannot change them", async () => {
    const { key, bot_user_id: botId } = await newKey(url, staff.ADMIN, ['users:read'])
    const list = await api(url, 'GET', '/users?$limit=100&kind=person', undefined, withKey(key))
    assert.equal(list.status, 200)
    assert.deepEqual(
      list.body.data.map((u: any) => u.id).sort(),
      [staff.ADMIN.id, staff.MANAGER.id, staff.MEMBER.id].sort()
    )
    // The org's bots (one per key) are users of the org too, of kind bot.
    const bots = await api(url, 'GET', '/users?$limit=100&kind=bot', undefined, withKey(key))
    assert.ok(bots.body.data.some((u: any) => u.id === botId))
    assert.ok(bots.body.data.every((u: any) => u.kind === 'bot' && u.org_id === staff.orgId))
    assert.ok(list.body.data.every((u: any) => !('password' in u)))
    // Asking for another org explicitly does not widen the scope: the key's own org replaces the filter.
    const smuggled = await api(
      url,
      'GET',
      `/users?kind=person&org_id=${other.orgId}`,
      undefined,
      withKey(key)
    )
    assert.equal(smuggled.status, 200)
    assert.deepEqual(
      smuggled.body.data.map((u: any) => u.id).sort(),
      [staff.ADMIN.id, staff.MANAGER.id, staff.MEMBER.id].sort()
    )
    assert.equal((await api(url, 'GET', `/users/${staff.MEMBER.id}`, undefined, withKey(key))).status, 200)
    const foreign = await api(url, 'GET', `/users/${other.admin.id}`, undefined, withKey(key))
    assert.equal(foreign.status, 404)
    scopeMissing(await api(url, 'PATCH', `/users/${staff.MEMBER.id}`, { role: 'ADMIN' }, withKey(key)))
    scopeMissing(await api(url, 'DELETE', `/users/${staff.MEMBER.id}`, undefined, withKey(key)))
    scopeMissing(await api(url, 'PATCH', `/orgs/${staff.orgId}`, { name: 'Hijacked' }, withKey(key)))
    const member = await api(
      url,
      'GET',
      `/users/${staff.MEMBER.id}`,
      undefined,
      bearer(staff.ADMIN.accessToken)
    )
    assert.equal(member.body.role, 'MEMBER')
  })

  it('reads the audit log only with audit:read, and then only its own org', async () => {
    const usersOnly = await newKey(url, staff.ADMIN, ['users:read'])
    scopeMissing(await api(url, 'GET', '/audit-logs', undefined, withKey(usersOnly.key)), 'audit:read')
    const auditor = await newKey(url, staff.ADMIN, ['audit:read'])
    const list = await api(url, 'GET', '/audit-logs?$limit=100', undefined, withKey(auditor.key))
    assert.equal(list.status, 200)
    assert.ok(list.body.data.length > 0)
    assert.ok(list.body.data.every((row: any) => row.org_id === staff.orgId))
    assert.ok(
      list.body.data.some((row: any) => row.action === 'api_key.created' && row.target === auditor.id)
    )
    const one = await api(url, 'GET', `/audit-logs/${list.body.data[0].id}`, undefined, withKey(auditor.key))
    assert.equal(one.status, 200)
    assert.equal(one.body.id, list.body.data[0].id)
    // Another org's entry is a 404 to this key.
    const theirs = await api(url, 'GET', '/audit-logs?$limit=1', undefined, bearer(other.admin.accessToken))
    assert.equal(theirs.body.data.length, 1)
    assert.equal(
      (await api(url, 'GET', `/audit-logs/${theirs.body.data[0].id}`, undefined, withKey(auditor.key)))
        .status,
      404
    )
    // audit:read alone does not grant users:read.
    scopeMissing(await api(url, 'GET', '/users', undefined, withKey(auditor.key)), 'users:read')
  })

  it('can never manage API keys, whatever its scopes', async () => {
    const { key, id } = await newKey(url, staff.ADMIN, [...knownScopes])
    scopeMissing(await api(url, 'GET', '/api-keys', undefined, withKey(key)))
    scopeMissing(await api(url, 'GET', `/api-keys/${id}`, undefined, withKey(key)))
    scopeMissing(
      await api(url, 'POST', '/api-keys', { name: 'minted', scopes: ['users:read'] }, withKey(key))
    )
    scopeMissing(await api(url, 'DELETE', `/api-keys/${id}`, undefined, withKey(key)))
    // The key survived its own attempt to revoke itself.
    assert.equal((await api(url, 'GET', '/users', undefined, withKey(key))).status, 200)
  })

  it('answers 401 invalid_api_key for garbage, unknown, tampered and revoked keys', async () => {
    const { key, id } = await newKey(url, staff.ADMIN, ['users:read'])
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')
    const unknown = `cbk_${'Z'.repeat(12)}_${'a'.repeat(43)}`
    for (const bad of ['garbage', 'cbk_short_x', unknown, tampered, key + 'x']) {
      const res = await api(url, 'GET', '/users', undefined, withKey(bad))
      assert.equal(res.status, 401, bad)
      assert.equal(res.body.data.code, 'invalid_api_key', bad)
    }
    assert.equal(
      (await api(url, 'DELETE', `/api-keys/${id}`, undefined, bearer(staff.ADMIN.accessToken))).status,
      200
    )
    const revoked = await api(url, 'GET', '/users', undefined, withKey(key))
    assert.equal(revoked.status, 401)
    assert.equal(revoked.body.data.code, 'invalid_api_key')
  })

  it('exposes no patch or update of API keys and no writes to the audit log', async () => {
    const { id } = await newKey(url, staff.ADMIN, ['users:read'])
    const headers = bearer(staff.ADMIN.accessToken)
    for (const method of ['PATCH', 'PUT']) {
      const res = await api(
        url,
        method,
        `/api-keys/${id}`,
        { name: 'renamed', scopes: ['audit:read'] },
        headers
      )
      assert.equal(res.status, 405, `${method} /api-keys`)
    }
    const entry = (await api(url, 'GET', '/audit-logs?$limit=1', undefined, headers)).body.data[0]
    assert.equal((await api(url, 'POST', '/audit-logs', { action: 'forged' }, headers)).status, 405)
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const res = await api(url, method, `/audit-logs/${entry.id}`, { action: 'forged' }, headers)
      assert.equal(res.status, 405, `${method} /audit-logs`)
    }
    assert.equal(
      (await api(url, 'GET', `/audit-logs/${entry.id}`, undefined, headers)).body.action,
      entry.action
    )
  })
})
