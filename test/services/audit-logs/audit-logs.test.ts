// The audit-logs service over REST and Socket.IO: ADMIN only, own org only, filters, sort and pages, and the
// entries that role changes, API keys and logins write.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { addMember, api, createOrg, register, uniq } from '../../helpers/fixtures'
import { clientPool, staffedOrg } from '../api-keys/helpers'
import type { Staff } from '../api-keys/helpers'
import { auditLogSchema } from '../../../src/services/audit-logs/audit-logs.schema'
import { assertMatches, assertPageMatches } from '../../helpers/schemas'

const FIELDS = ['action', 'actor_id', 'created_at', 'id', 'ip', 'meta', 'org_id', 'target']
const ms = (row: any) => new Date(row.created_at).getTime()
// PostgreSQL keeps microseconds but JSON dates carry milliseconds: the instant 1 µs before a row's millisecond.
const justBefore = (row: any) => new Date(ms(row) - 1).toISOString().replace('Z', '999Z')
const ids = (rows: any[]) => rows.map((row) => row.id)

forEachTransport('audit-logs', (transport) => {
  let url: string
  let staff: Staff
  const pool = clientPool(transport)
  const logsOf = async (account: Staff['ADMIN']) => (await pool.client(url, account)).service('audit-logs')

  before(async () => {
    url = sharedServer().url
    staff = await staffedOrg(url)
  })
  after(() => pool.closeAll())

  it('lets only ADMINs find and get; MANAGERs, MEMBERs and users without an org get 403', async () => {
    const admin = await logsOf(staff.ADMIN)
    const page = await admin.find({})
    assertPageMatches(auditLogSchema, page)
    assert.ok(page.data.length > 0)
    for (const row of page.data) assert.deepEqual(Object.keys(row).sort(), FIELDS)
    const entry = await admin.get(page.data[0].id)
    assertMatches(auditLogSchema, entry)
    assert.equal(entry.id, page.data[0].id)
    for (const role of ['MANAGER', 'MEMBER'] as const) {
      const logs = await logsOf(staff[role])
      const denied = (e: any) => e.name === 'Forbidden' && e.data.code === 'role_required'
      await assert.rejects(logs.find({}), denied, `${role} find`)
      await assert.rejects(logs.get(entry.id), denied, `${role} get`)
    }
    const loner = await logsOf(await register(url))
    await assert.rejects(loner.find({}), (e: any) => e.name === 'Forbidden' && e.data.code === 'no_org')
  })

  it("shows only the caller's org: other orgs' entries are 404 and an org_id filter cannot widen it", async () => {
    const other = await createOrg(url)
    const theirs = await logsOf(other.admin)
    const [theirEntry] = (await theirs.find({ query: { action: 'org.created' } })).data
    assert.equal(theirEntry.target, other.orgId)
    const mine = await logsOf(staff.ADMIN)
    await assert.rejects(mine.get(theirEntry.id), (e: any) => e.name === 'NotFound')
    await assert.rejects(mine.get('not-a-uuid'), (e: any) => e.name === 'NotFound')
    const smuggled = await mine.find({ query: { org_id: other.orgId, $limit: 100 } })
    assert.ok(smuggled.data.length > 0)
    assert.ok(smuggled.data.every((row: any) => row.org_id === staff.orgId))
  })

  it('records role and status changes by an ADMIN, with before and after', async () => {
    const member = await addMember(url, staff.ADMIN)
    const users = (await pool.client(url, staff.ADMIN)).service('users')
    await users.patch(member.id, { role: 'MANAGER' })
    await users.patch(member.id, { status: 'suspended' })
    const logs = await logsOf(staff.ADMIN)
    const [role] = (await logs.find({ query: { action: 'user.role_changed', target: member.id } })).data
    assert.equal(role.actor_id, staff.ADMIN.id)
    assert.equal(role.org_id, staff.orgId)
    assert.deepEqual(role.meta, { from: 'MEMBER', to: 'MANAGER' })
    const [status] = (await logs.find({ query: { action: 'user.status_changed', target: member.id } })).data
    assert.deepEqual(status.meta, { from: 'active', to: 'suspended' })
    // A refused change leaves no entry.
    const memberUsers = (await pool.client(url, staff.MEMBER)).service('users')
    await assert.rejects(memberUsers.patch(staff.MEMBER.id, { role: 'ADMIN' }), { name: 'Forbidden' })
    assert.equal(
      (await logs.find({ query: { action: 'user.role_changed', target: staff.MEMBER.id } })).total,
      0
    )
  })

  it("records successful and failed logins in the user's org; unknown emails stay out of every org's log", async () => {
    const member = await addMember(url, staff.ADMIN)
    const logs = await logsOf(staff.ADMIN)
    const count = async (action: string, target: string) =>
      (await logs.find({ query: { action, target } })).total
    const succeeded = await count('login.succeeded', member.id)
    const login = (password: string, email = member.email) =>
      api(url, 'POST', '/authentication', { strategy: 'local', email, password })
    assert.equal((await login(member.password)).status, 201)
    assert.equal(await count('login.succeeded', member.id), succeeded + 1)
    const wrong = await login('not the password')
    assert.equal(wrong.status, 401)
    assert.equal(wrong.body.data.code, 'invalid_credentials')
    assert.ok(!('userId' in wrong.body.data))
    const [failed] = (await logs.find({ query: { action: 'login.failed', target: member.email } })).data
    assert.equal(failed.org_id, staff.orgId)
    assert.equal(failed.actor_id, member.id)
    assert.equal(failed.meta.reason, 'invalid_credentials')
    const nobody = `${uniq('nobody')}@example.com`
    assert.equal((await login('whatever pw', nobody)).status, 401)
    assert.equal(await count('login.failed', nobody), 0)
  })

  it('filters by action, actor and target, sorts newest first by default, and pages', async () => {
    const { admin, orgId } = await createOrg(url)
    const keys = (await pool.client(url, admin)).service('api-keys')
    const mk = () => keys.create({ name: uniq('k'), scopes: ['audit:read'] })
    // Keys up to the first one in a later millisecond than its predecessor, and one more after it, so the
    // millisecond timestamps split the entries cleanly before and after `boundary` (no sleeping needed).
    const made = [await mk()]
    do made.push(await mk())
    while (ms(made.at(-1)) === ms(made.at(-2)))
    const boundary = made.length - 1
    made.push(await mk())
    const logs = await logsOf(admin)
    const byAction = await logs.find({ query: { action: 'api_key.created' } })
    assert.equal(byAction.total, made.length)
    assert.deepEqual(
      byAction.data.map((row: any) => row.target),
      ids(made).reverse()
    )
    const ascending = await logs.find({ query: { action: 'api_key.created', $sort: { created_at: 1 } } })
    assert.deepEqual(
      ascending.data.map((row: any) => row.target),
      ids(made)
    )
    const all = await logs.find({ query: { actor_id: admin.id, $limit: 100 } })
    assert.equal(all.total, made.length + 1, 'org.created plus one entry per key')
    assert.ok(all.data.every((row: any) => row.org_id === orgId))
    for (let i = 1; i < all.data.length; i++)
      assert.ok(ms(all.data[i - 1]) >= ms(all.data[i]), 'newest first')
    assert.equal((await logs.find({ query: { actor_id: staff.ADMIN.id } })).total, 0)
    const one = await logs.find({ query: { target: made[boundary].id } })
    assert.deepEqual(
      one.data.map((row: any) => row.target),
      [made[boundary].id]
    )

    const targets = async (created_at: Record<string, string>) =>
      (
        await logs.find({ query: { action: 'api_key.created', created_at, $sort: { created_at: 1 } } })
      ).data.map((row: any) => row.target)
    const split = made[boundary]
    assert.deepEqual(await targets({ $lt: split.created_at }), ids(made.slice(0, boundary)))
    assert.deepEqual(await targets({ $gte: split.created_at }), ids(made.slice(boundary)))
    assert.deepEqual(await targets({ $gt: justBefore(split) }), ids(made.slice(boundary)))
    assert.deepEqual(await targets({ $gt: justBefore(split), $lt: made.at(-1).created_at }), [split.id])

    const first = await logs.find({ query: { $limit: 2 } })
    const second = await logs.find({ query: { $limit: 2, $skip: 2 } })
    assert.equal(first.total, made.length + 1)
    assert.equal(first.limit, 2)
    assert.equal(first.data.length, 2)
    assert.deepEqual([...ids(first.data), ...ids(second.data)], ids(all.data).slice(0, 4))
  })

  it('rejects unknown filters and malformed values with 400', async () => {
    const logs = await logsOf(staff.ADMIN)
    const bad = (e: any) => e.name === 'BadRequest' && e.data.code === 'validation_error'
    await assert.rejects(logs.find({ query: { meta: 'x' } as any }), bad)
    await assert.rejects(logs.find({ query: { ip: '127.0.0.1' } as any }), bad)
    await assert.rejects(logs.find({ query: { created_at: { $gt: 'yesterday' } } }), bad)
    await assert.rejects(logs.find({ query: { actor_id: 'not-a-uuid' } }), bad)
    await assert.rejects(logs.find({ query: { $sort: { created_at: 2 } } as any }), bad)
  })
})
