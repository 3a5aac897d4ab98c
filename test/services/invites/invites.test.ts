// Invites over REST and Socket.IO: who may invite whom, the one-time token, scoping to the own org,
// revocation, audit entries and API-key scopes.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { sharedServer } from '../../helpers/server'
import { connect, forEachTransport } from '../../helpers/clients'
import { api, createOrg, register, uniq } from '../../helpers/fixtures'
import { auditOf, clientPool, createApiKey, db, staffedOrg } from './helpers'
import type { Staff } from './helpers'
import { inviteSchema } from '../../../src/services/invites/invites.schema'
import { assertMatches } from '../../helpers/schemas'

const roles = ['ADMIN', 'MANAGER', 'MEMBER'] as const
const rank = { MEMBER: 0, MANAGER: 1, ADMIN: 2 }
const DAY_MS = 86_400_000
const isRoleRequired = (e: any) => e.name === 'Forbidden' && e.data?.code === 'role_required'
const isNotFound = (e: any) => e.name === 'NotFound'
const email = () => `${uniq('inv')}@example.com`

forEachTransport('invites', (transport) => {
  let url: string
  let staff: Staff
  const pool = clientPool(transport)
  const as = (who: keyof Omit<Staff, 'orgId'>) =>
    pool.client(url, staff[who]).then((c) => c.service('invites'))

  before(async () => {
    url = sharedServer().url
    staff = await staffedOrg(url)
  })
  after(() => pool.closeAll())

  for (const inviter of roles) {
    for (const invited of roles) {
      const allowed = inviter !== 'MEMBER' && rank[invited] <= rank[inviter]
      it(`${inviter} ${allowed ? 'may' : 'may not'} invite with role ${invited}`, async () => {
        const invites = await as(inviter)
        const target = email()
        if (!allowed) {
          await assert.rejects(invites.create({ email: target, role: invited }), isRoleRequired)
          assert.equal((await db()('invites').where({ email: target })).length, 0)
          return
        }
        const created = await invites.create({ email: target, role: invited })
        assert.equal(created.email, target)
        assert.equal(created.role, invited)
        assert.equal(created.org_id, staff.orgId)
        assert.equal(created.invited_by, staff[inviter].id)
        assert.equal(created.accepted_at, null)
        assert.equal(created.revoked_at, null)
        assert.ok(!('token_hash' in created))
        assert.match(created.token!, /^[A-Za-z0-9_-]{43}$/)
        const ttl = sharedServer().app.get('invites').ttlDays * DAY_MS
        assert.ok(Math.abs(new Date(created.expires_at).getTime() - (Date.now() + ttl)) < 60_000)
        // Only the hash is stored, and it is the hash of the token we were given.
        const row = await db()('invites').where({ id: created.id }).first()
        assert.equal(row.token_hash, crypto.createHash('sha256').update(created.token!).digest('hex'))
        assert.ok(!Object.values(row).includes(created.token))
      })
    }
  }

  for (const who of roles) {
    const allowed = who !== 'MEMBER'
    it(`${who} ${allowed ? 'may' : 'may not'} find, get and revoke invites`, async () => {
      const created = await (await as('ADMIN')).create({ email: email(), role: 'ADMIN' })
      const invites = await as(who)
      if (!allowed) {
        await assert.rejects(invites.find({}), isRoleRequired)
        await assert.rejects(invites.get(created.id), isRoleRequired)
        await assert.rejects(invites.remove(created.id), isRoleRequired)
        assert.equal((await db()('invites').where({ id: created.id }).first()).revoked_at, null)
        return
      }
      const page: any = await invites.find({ query: { id: created.id } })
      assert.equal(page.total, 1)
      for (const item of [page.data[0], await invites.get(created.id)]) {
        assert.equal(item.id, created.id)
        assert.ok(!('token' in item) && !('token_hash' in item), 'find/get never show the token or its hash')
      }
      const revoked = await invites.remove(created.id)
      assert.equal(revoked.id, created.id)
      assert.ok(revoked.revoked_at)
      assert.ok(!('token' in revoked) && !('token_hash' in revoked))
    })
  }

  it('normalizes the email before validating, and rejects bad data with 400', async () => {
    const invites = await as('ADMIN')
    const local = uniq('Norm')
    const created = await invites.create({ email: `  ${local}@EXAMPLE.com `, role: 'MEMBER' })
    assertMatches(inviteSchema, created)
    assert.equal(created.email, `${local.toLowerCase()}@example.com`)
    const bad = (e: any) => e.name === 'BadRequest' && e.data.code === 'validation_error'
    await assert.rejects(invites.create({ email: 'not-an-email', role: 'MEMBER' }), bad)
    await assert.rejects(invites.create({ email: email(), role: 'OWNER' } as any), bad)
    await assert.rejects(invites.create({ email: email() } as any), bad)
    await assert.rejects(invites.create({ email: email(), role: 'MEMBER', org_id: staff.orgId } as any), bad)
    await assert.rejects(invites.create({ email: email(), role: 'MEMBER', token_hash: 'x' } as any), bad)
    await assert.rejects(invites.find({ query: { token_hash: 'x' } } as any), bad)
  })

  it('refuses to invite someone who is already a member (409 already_member)', async () => {
    const invites = await as('MANAGER')
    await assert.rejects(
      invites.create({ email: ` ${staff.MEMBER.email.toUpperCase()} `, role: 'MEMBER' }),
      (e: any) => e.name === 'Conflict' && e.data.code === 'already_member'
    )
  })

  it('audits creation and revocation in the same transaction', async () => {
    const invites = await as('MANAGER')
    const target = email()
    const created = await invites.create({ email: target, role: 'MANAGER' })
    const [createdLog] = await auditOf(created.id, 'invite.created')
    assert.equal(createdLog.org_id, staff.orgId)
    assert.equal(createdLog.actor_id, staff.MANAGER.id)
    assert.deepEqual(createdLog.meta, { email: target, role: 'MANAGER' })
    await invites.remove(created.id)
    // Revoking twice answers the same row and records nothing new.
    assert.ok((await invites.remove(created.id)).revoked_at)
    const revokedLogs = await auditOf(created.id, 'invite.revoked')
    assert.equal(revokedLogs.length, 1)
    assert.deepEqual(revokedLogs[0].meta, { email: target, role: 'MANAGER' })
    // A refused create leaves no invite and no audit entry behind.
    await assert.rejects(invites.create({ email: staff.ADMIN.email, role: 'MEMBER' }))
    assert.equal((await db()('invites').where({ email: staff.ADMIN.email })).length, 0)
  })

  it('lists only my org and answers 404 for another org’s invite, changing nothing', async () => {
    const other = await createOrg(url)
    const mine = await (await as('ADMIN')).create({ email: email(), role: 'MEMBER' })
    const foreignService = (await pool.client(url, other.admin)).service('invites')
    const theirs = await foreignService.create({ email: email(), role: 'MEMBER' })
    const invites = await as('ADMIN')
    const page: any = await invites.find({ query: { $limit: 100 } })
    assert.ok(page.data.every((i: any) => i.org_id === staff.orgId))
    assert.ok(page.data.some((i: any) => i.id === mine.id))
    assert.equal(((await invites.find({ query: { id: theirs.id } })) as any).total, 0)
    await assert.rejects(invites.get(theirs.id), isNotFound)
    await assert.rejects(invites.remove(theirs.id), isNotFound)
    await assert.rejects(invites.get('not-a-uuid'), isNotFound)
    const row = await db()('invites').where({ id: theirs.id }).first()
    assert.equal(row.revoked_at, null)
    assert.equal((await auditOf(theirs.id, 'invite.revoked')).length, 0)
    assert.equal((await foreignService.get(theirs.id)).revoked_at, null)
  })

  it('refuses callers without an org or without a login', async () => {
    const loner = await register(url)
    const invites = (await pool.client(url, loner)).service('invites')
    const noOrg = (e: any) => e.name === 'Forbidden' && e.data.code === 'no_org'
    await assert.rejects(invites.create({ email: email(), role: 'MEMBER' }), noOrg)
    await assert.rejects(invites.find({}), noOrg)
    const anonymous = await connect(url, transport)
    pool.track(anonymous)
    await assert.rejects(anonymous.client.service('invites').find({}), { name: 'NotAuthenticated' })
  })

  if (transport === 'rest') {
    it('lets API keys read with invites:read and create/revoke with invites:write', async () => {
      const reader = await createApiKey(staff.orgId, ['invites:read'])
      const writer = await createApiKey(staff.orgId, ['invites:write'])
      const created = await api(url, 'POST', '/invites', { email: email(), role: 'MANAGER' }, writer)
      assert.equal(created.status, 201)
      assert.equal(created.body.org_id, staff.orgId)
      assert.equal(created.body.invited_by, null)
      assert.ok(created.body.token && !created.body.token_hash)
      // A key never mints ADMINs, whatever its scopes.
      const admin = await api(url, 'POST', '/invites', { email: email(), role: 'ADMIN' }, writer)
      assert.equal(admin.status, 403)
      assert.equal(admin.body.data.code, 'role_required')
      const denied = await api(url, 'POST', '/invites', { email: email(), role: 'MEMBER' }, reader)
      assert.equal(denied.status, 403)
      assert.equal(denied.body.data.code, 'scope_missing')
      const got = await api(url, 'GET', `/invites/${created.body.id}`, undefined, reader)
      assert.equal(got.status, 200)
      assert.ok(!('token' in got.body) && !('token_hash' in got.body))
      assert.equal((await api(url, 'GET', `/invites/${created.body.id}`, undefined, writer)).status, 403)
      assert.equal((await api(url, 'DELETE', `/invites/${created.body.id}`, undefined, reader)).status, 403)
      const revoked = await api(url, 'DELETE', `/invites/${created.body.id}`, undefined, writer)
      assert.equal(revoked.status, 200)
      assert.ok(revoked.body.revoked_at)
      // A key of another org sees nothing of this one.
      const foreign = await createApiKey((await createOrg(url)).orgId, ['invites:read', 'invites:write'])
      assert.equal((await api(url, 'GET', `/invites/${created.body.id}`, undefined, foreign)).status, 404)
      const accept = await api(url, 'POST', '/invite-acceptances', { token: created.body.token }, writer)
      assert.equal(accept.status, 403)
      assert.equal(accept.body.data.code, 'scope_missing')
    })
  }
})
