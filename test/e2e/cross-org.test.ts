// The cross-org matrix: callers from org A (its ADMIN, a key with every scope, a user without an org) call
// every method of every service with org B's ids, over REST and Socket.IO. Every call answers exactly like
// a missing id (404) and org B's rows are byte-for-byte unchanged afterwards.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { sharedServer } from '../helpers/server'
import { forEachTransport } from '../helpers/clients'
import type { TestClient } from '../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg, register } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { knownScopes } from '../../src/auth/scopes'

interface Target {
  path: string
  id: string
  // Valid data, so the only reason to refuse is the org boundary.
  patch?: Record<string, unknown>
  methods: Array<'get' | 'patch' | 'remove'>
}

const snapshot = async (orgId: string) => {
  const db = sharedServer().app.get('postgresqlClient')
  const rows: Record<string, unknown[]> = {}
  rows.orgs = await db('orgs').where({ id: orgId })
  for (const table of ['users', 'invites', 'api_keys', 'audit_logs', 'auth_sessions']) {
    if (table === 'auth_sessions') {
      rows[table] = await db(table)
        .whereIn('user_id', db('users').select('id').where({ org_id: orgId }))
        .orderBy('id')
    } else {
      rows[table] = await db(table).where({ org_id: orgId }).orderBy('id')
    }
  }
  return JSON.stringify(rows)
}

forEachTransport('cross-org isolation', (transport) => {
  let url: string
  let adminA: Account
  let loner: Account
  let keyA: string
  let targets: Target[]
  let orgB: string
  const open: TestClient[] = []

  before(async () => {
    url = sharedServer().url
    ;({ admin: adminA } = await createOrg(url))
    loner = await register(url)
    const b = await createOrg(url)
    orgB = b.orgId
    const memberB = await addMember(url, b.admin)
    const inviteB = await api(
      url,
      'POST',
      '/invites',
      { email: 'someone@example.com', role: 'MEMBER' },
      bearer(b.admin.accessToken)
    )
    const keyB = await api(
      url,
      'POST',
      '/api-keys',
      { name: 'b key', scopes: ['users:read'] },
      bearer(b.admin.accessToken)
    )
    const auditB = await api(url, 'GET', '/audit-logs?$limit=1', undefined, bearer(b.admin.accessToken))
    const keyAResult = await api(
      url,
      'POST',
      '/api-keys',
      { name: 'a key', scopes: knownScopes },
      bearer(adminA.accessToken)
    )
    assert.equal(keyAResult.status, 201, JSON.stringify(keyAResult.body))
    keyA = keyAResult.body.key
    assert.equal(inviteB.status, 201)
    assert.equal(keyB.status, 201)
    assert.equal(auditB.body.data.length, 1)
    targets = [
      { path: 'users', id: memberB.id, patch: { role: 'MANAGER' }, methods: ['get', 'patch', 'remove'] },
      { path: 'users', id: b.admin.id, patch: { status: 'suspended' }, methods: ['get', 'patch', 'remove'] },
      { path: 'orgs', id: orgB, patch: { name: 'Taken over' }, methods: ['get', 'patch'] },
      { path: 'invites', id: inviteB.body.id, methods: ['get', 'remove'] },
      { path: 'api-keys', id: keyB.body.id, methods: ['get', 'remove'] },
      { path: 'audit-logs', id: auditB.body.data[0].id, methods: ['get'] }
    ]
  })
  after(() => open.forEach((tc) => tc.close()))

  it('answers 404 for every id of another org, for an ADMIN and for a user without an org', async () => {
    const before = await snapshot(orgB)
    for (const caller of [adminA, loner]) {
      const tc = await clientFor(url, transport, caller)
      open.push(tc)
      for (const target of targets) {
        const service = tc.client.service(target.path as any) as any
        for (const method of target.methods) {
          const call =
            method === 'patch'
              ? service.patch(target.id, target.patch)
              : method === 'get'
                ? service.get(target.id)
                : service.remove(target.id)
          await assert.rejects(call, (e: any) => {
            // Someone without an org may be refused outright (403 no_org) — that reveals nothing about the id.
            const ok = e.name === 'NotFound' || (caller === loner && e.data?.code === 'no_org')
            assert.ok(ok, `${target.path}.${method}: ${e.name} ${e.data?.code}`)
            return true
          })
        }
      }
    }
    assert.equal(await snapshot(orgB), before, 'org B changed')
  })

  it('answers exactly like a random missing id', async () => {
    const tc = await clientFor(url, transport, adminA)
    open.push(tc)
    for (const target of targets) {
      const service = tc.client.service(target.path as any) as any
      const theirs = await service.get(target.id).catch((e: any) => e)
      const missing = await service.get(crypto.randomUUID()).catch((e: any) => e)
      assert.equal(theirs.name, missing.name)
      assert.equal(theirs.code, missing.code)
      assert.equal(theirs.data.code, missing.data.code)
    }
  })

  it('never lists another org in find results, whatever the query says', async () => {
    const tc = await clientFor(url, transport, adminA)
    open.push(tc)
    for (const path of ['users', 'orgs', 'invites', 'api-keys', 'audit-logs']) {
      const page = await (tc.client.service(path as any) as any).find({ query: { $limit: 100 } })
      assert.ok(page.data.length > 0 || path === 'invites', `${path} listed nothing`)
      for (const row of page.data) assert.notEqual(row.org_id ?? row.id, orgB, `${path} leaked org B`)
    }
    // Asking for org B's users explicitly still yields only the caller's own org.
    const page = await (tc.client.service('users') as any).find({ query: { org_id: orgB } })
    assert.ok(page.data.every((u: any) => u.org_id === adminA.org_id))
  })

  it('refuses an API key of org A on org B ids (REST)', async () => {
    if (transport !== 'rest') return
    const before = await snapshot(orgB)
    for (const target of targets) {
      const res = await api(url, 'GET', `/${target.path}/${target.id}`, undefined, { 'x-api-key': keyA })
      assert.ok([404, 403].includes(res.status), `${target.path}: ${res.status}`)
      if (res.status === 403) assert.equal(res.body.data.code, 'scope_missing')
      if (target.methods.includes('remove')) {
        const del = await api(url, 'DELETE', `/${target.path}/${target.id}`, undefined, { 'x-api-key': keyA })
        assert.ok([404, 403].includes(del.status), `${target.path} remove: ${del.status}`)
      }
    }
    assert.equal(await snapshot(orgB), before, 'org B changed')
  })
})
