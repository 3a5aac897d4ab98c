// Users over REST and Socket.IO: registration, profile, password change, uniqueness, role changes, removal.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg, login, register, uniq } from '../../helpers/fixtures'
import { connect } from '../../helpers/clients'
import { userSchema } from '../../../src/services/users/users.schema'
import { assertMatches } from '../../helpers/schemas'

forEachTransport('users', (transport) => {
  let url: string
  const open: TestClient[] = []
  const client = async (account: Parameters<typeof clientFor>[2]) => {
    const tc = await clientFor(url, transport, account)
    open.push(tc)
    return tc.client
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('registers with normalized fields and never returns the password hash', async () => {
    const tc = await connect(url, transport)
    open.push(tc)
    const username = uniq('Reg')
    const created = await tc.client.service('users').create({
      email: `  ${username}@EXAMPLE.com `,
      username: username.toUpperCase(),
      name: ' Ann\u0000\u0007   Lee ',
      password: 'long enough pw'
    })
    assertMatches(userSchema, created)
    assert.equal(created.email, `${username.toLowerCase()}@example.com`)
    assert.equal(created.username, username.toLowerCase())
    assert.equal(created.name, 'Ann Lee')
    assert.equal(created.org_id, null)
    assert.equal(created.role, 'MEMBER')
    assert.ok(!('password' in created))
  })

  it('rejects duplicates case-insensitively with 409 and unknown fields with 400', async () => {
    const tc = await connect(url, transport)
    open.push(tc)
    const users = tc.client.service('users')
    const username = uniq('dup')
    await users.create({ email: `${username}@example.com`, username, name: 'A', password: 'long enough pw' })
    await assert.rejects(
      users.create({
        email: `${username.toUpperCase()}@Example.com`,
        username: uniq('x'),
        name: 'B',
        password: 'long enough pw'
      }),
      (e: any) => e.name === 'Conflict' && e.data.code === 'email_taken'
    )
    await assert.rejects(
      users.create({
        email: `${uniq('y')}@example.com`,
        username: username.toUpperCase(),
        name: 'B',
        password: 'long enough pw'
      }),
      (e: any) => e.name === 'Conflict' && e.data.code === 'username_taken'
    )
    await assert.rejects(
      users.create({
        email: `${uniq('z')}@example.com`,
        username: uniq('z'),
        name: 'B',
        password: 'long enough pw',
        role: 'ADMIN'
      } as any),
      (e: any) => e.name === 'BadRequest' && e.data.code === 'validation_error'
    )
    await assert.rejects(
      users.create({ email: 'not-an-email', username: uniq('z'), name: 'B', password: 'long enough pw' }),
      { name: 'BadRequest' }
    )
    await assert.rejects(
      users.create({ email: `${uniq('w')}@example.com`, username: uniq('w'), name: 'B', password: 'short' }),
      {
        name: 'BadRequest'
      }
    )
  })

  it('edits my profile, keeps username immutable, and enforces length limits after normalization', async () => {
    const me = await register(url)
    const users = (await client(me)).service('users')
    const patched = await users.patch(me.id, {
      name: ' New\tName ',
      bio: 'line one\n\n\n\nline two\u0000',
      avatar_url: 'https://example.com/a.png'
    })
    assert.equal(patched.name, 'New Name')
    assert.equal(patched.bio, 'line one\n\nline two')
    await assert.rejects(users.patch(me.id, { username: 'other' } as any), { name: 'BadRequest' })
    await assert.rejects(users.patch(me.id, { email: 'x@example.com' } as any), { name: 'BadRequest' })
    await assert.rejects(users.patch(me.id, { name: 'x'.repeat(81) }), { name: 'BadRequest' })
    await assert.rejects(users.patch(me.id, { name: ' \u0000 ' }), { name: 'BadRequest' })
    await assert.rejects(users.patch(me.id, { avatar_url: 'javascript:alert(1)' }), { name: 'BadRequest' })
    assert.equal((await users.get(me.id)).username, me.username)
  })

  it('changes the password only with the current one', async () => {
    const me = await register(url)
    const users = (await client(me)).service('users')
    await assert.rejects(
      users.patch(me.id, { password: 'a brand new pw' }),
      (e: any) => e.data.code === 'current_password_required'
    )
    await assert.rejects(
      users.patch(me.id, { password: 'a brand new pw', current_password: 'wrong one!' }),
      (e: any) => e.name === 'Forbidden' && e.data.code === 'invalid_current_password'
    )
    await users.patch(me.id, { password: 'a brand new pw', current_password: me.password })
    await assert.rejects(login(url, me.email, me.password))
    await login(url, me.email, 'a brand new pw')
  })

  it('lists only members of my org, and only myself without an org', async () => {
    const { admin } = await createOrg(url)
    const member = await addMember(url, admin)
    const loner = await register(url)
    const adminList = await (await client(admin)).service('users').find({ query: { $limit: 100 } })
    assert.deepEqual(adminList.data.map((u: any) => u.id).sort(), [admin.id, member.id].sort())
    const lonerList = await (await client(loner)).service('users').find({})
    assert.deepEqual(
      lonerList.data.map((u: any) => u.id),
      [loner.id]
    )
    await assert.rejects((await client(loner)).service('users').get(admin.id), { name: 'NotFound' })
  })

  it('lets only ADMINs change roles and status, and never demotes the last ADMIN', async () => {
    const { admin } = await createOrg(url)
    const member = await addMember(url, admin)
    const adminUsers = (await client(admin)).service('users')
    const memberUsers = (await client(member)).service('users')
    await assert.rejects(
      memberUsers.patch(member.id, { role: 'ADMIN' }),
      (e: any) => e.name === 'Forbidden' && e.data.code === 'role_required'
    )
    await assert.rejects(
      adminUsers.patch(member.id, { name: 'Hijack' }),
      (e: any) => e.data.code === 'not_owner'
    )
    await assert.rejects(
      adminUsers.patch(admin.id, { role: 'MEMBER' }),
      (e: any) => e.name === 'Conflict' && e.data.code === 'last_admin'
    )
    await assert.rejects(
      adminUsers.remove(admin.id),
      (e: any) => e.name === 'Conflict' && e.data.code === 'last_admin'
    )
    assert.equal((await adminUsers.patch(member.id, { role: 'MANAGER' })).role, 'MANAGER')
    assert.equal((await adminUsers.patch(member.id, { role: 'ADMIN' })).role, 'ADMIN')
    // With a second ADMIN the first may step down.
    assert.equal((await adminUsers.patch(admin.id, { role: 'MEMBER' })).role, 'MEMBER')
  })

  it('lets a member leave and an ADMIN remove a member; the account stays', async () => {
    const { admin } = await createOrg(url)
    const leaver = await addMember(url, admin)
    const removed = await addMember(url, admin)
    const left = await (await client(leaver)).service('users').remove(leaver.id)
    assert.equal(left.org_id, null)
    await assert.rejects((await client(leaver)).service('users').remove(removed.id), { name: 'NotFound' })
    const out = await (await client(admin)).service('users').remove(removed.id)
    assert.equal(out.org_id, null)
    const audit = await api(
      url,
      'GET',
      `/audit-logs?action=org.member_removed&target=${removed.id}`,
      undefined,
      bearer(admin.accessToken)
    )
    assert.equal(audit.status, 200)
    assert.equal(audit.body.data.length, 1)
  })
})
