// Redeeming invites over REST and Socket.IO: accepting while signed in or while registering, single use
// (also under concurrency), expiry, revocation, email binding, and that a failed registration leaves no user.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { connect, forEachTransport } from '../../helpers/clients'
import { api, createOrg, register, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { auditOf, clientPool, db, userRowsWithEmail } from './helpers'
import { inviteAcceptanceSchema } from '../../../src/services/invite-acceptances/invite-acceptances.schema'
import { userSchema } from '../../../src/services/users/users.schema'
import { assertMatches } from '../../helpers/schemas'

const code = (name: string, dataCode: string) => (e: any) => e.name === name && e.data?.code === dataCode

forEachTransport('invite-acceptances', (transport) => {
  let url: string
  let admin: Account
  let orgId: string
  const pool = clientPool(transport)
  const invite = async (email: string, role = 'MEMBER') =>
    (await pool.client(url, admin)).service('invites').create({ email, role: role as any })
  const acceptances = async (account: Account) =>
    (await pool.client(url, account)).service('invite-acceptances')
  // Registration through the public API, as a client without a login would do it.
  const registerWith = async (email: string, token: string) => {
    const tc = await connect(url, transport)
    pool.track(tc)
    const username = uniq('reg')
    return tc.client
      .service('users')
      .create({ email, username, name: 'Invitee', password: 'long enough pw', invite_token: token })
  }

  before(async () => {
    url = sharedServer().url
    ;({ admin, orgId } = await createOrg(url))
  })
  after(() => pool.closeAll())

  it('joins the org with the invite’s role when a signed-in user accepts; the token works once', async () => {
    const me = await register(url)
    const { token, id } = await invite(` ${me.email.toUpperCase()}`, 'MANAGER')
    const service = await acceptances(me)
    const result = await service.create({ token: token! })
    assert.equal(result.org_id, orgId)
    assert.equal(result.role, 'MANAGER')
    assert.equal(result.invite_id, id)
    assert.equal(result.user.id, me.id)
    assert.equal(result.user.org_id, orgId)
    assert.equal(result.user.role, 'MANAGER')
    assert.ok(!('password' in result.user) && !('google_id' in result.user))
    // The membership is real: the new MANAGER now sees the org and may list its invites.
    const client = await pool.client(url, me)
    assert.equal((await client.service('orgs').get(orgId)).id, orgId)
    assert.ok(((await client.service('invites').find({ query: { id } })) as any).data[0].accepted_at)
    assert.equal((await auditOf(id, 'invite.accepted')).length, 1)
    await assert.rejects(service.create({ token: token! }), code('Conflict', 'invite_used'))
  })

  it('joins the org when registering with the token', async () => {
    const email = `${uniq('newbie')}@example.com`
    const { token, id } = await invite(email, 'MANAGER')
    const user = await registerWith(email, token!)
    assert.equal(user.org_id, orgId)
    assert.equal(user.role, 'MANAGER')
    assert.equal((await db()('invites').where({ id }).first()).accepted_by, user.id)
    // Used up: a second registration with it fails (and leaves no user behind).
    const second = `${uniq('second')}@example.com`
    await assert.rejects(registerWith(second, token!), code('Conflict', 'invite_used'))
    assert.equal((await userRowsWithEmail(second)).length, 0)
  })

  it('registering with a bad, foreign, expired or revoked token leaves no user row', async () => {
    const email = `${uniq('failing')}@example.com`
    const cases: Array<[string, () => Promise<string>, (e: any) => boolean]> = [
      ['unknown', async () => 'x'.repeat(43), code('NotFound', 'invite_not_found')],
      [
        'foreign',
        async () => (await invite(`${uniq('other')}@example.com`)).token!,
        code('Forbidden', 'invite_email_mismatch')
      ],
      [
        'expired',
        async () => {
          const created = await invite(email)
          await db()('invites')
            .where({ id: created.id })
            .update({ expires_at: new Date(Date.now() - 1000) })
          return created.token!
        },
        code('BadRequest', 'invite_expired')
      ],
      [
        'revoked',
        async () => {
          const created = await invite(email)
          await (await pool.client(url, admin)).service('invites').remove(created.id)
          return created.token!
        },
        code('NotFound', 'invite_not_found')
      ]
    ]
    for (const [label, tokenFor, expected] of cases) {
      await assert.rejects(registerWith(email, await tokenFor()), expected, label)
      assert.equal((await userRowsWithEmail(email)).length, 0, `${label}: no user row`)
    }
  })

  it('explains every refusal with a clear code', async () => {
    const me = await register(url)
    const service = await acceptances(me)
    await assert.rejects(
      service.create({ token: 'no-such-token-at-all' }),
      code('NotFound', 'invite_not_found')
    )
    await assert.rejects(service.create({ token: 'short' }), code('BadRequest', 'validation_error'))
    await assert.rejects(service.create({} as any), code('BadRequest', 'validation_error'))
    const foreign = await invite(`${uniq('someone')}@example.com`)
    await assert.rejects(
      service.create({ token: foreign.token! }),
      code('Forbidden', 'invite_email_mismatch')
    )
    const expired = await invite(me.email)
    await db()('invites')
      .where({ id: expired.id })
      .update({ expires_at: new Date(Date.now() - 60_000) })
    await assert.rejects(service.create({ token: expired.token! }), code('BadRequest', 'invite_expired'))
    const revoked = await invite(me.email)
    await (await pool.client(url, admin)).service('invites').remove(revoked.id)
    await assert.rejects(service.create({ token: revoked.token! }), code('NotFound', 'invite_not_found'))
    // Nothing above changed the user or used an invite.
    assert.equal((await db()('users').where({ id: me.id }).first()).org_id, null)
    assert.equal(
      (await db()('invites').whereIn('id', [foreign.id, expired.id, revoked.id]).whereNotNull('accepted_at'))
        .length,
      0
    )
    const anonymous = await connect(url, transport)
    pool.track(anonymous)
    await assert.rejects(anonymous.client.service('invite-acceptances').create({ token: foreign.token! }), {
      name: 'NotAuthenticated'
    })
  })

  it('refuses a user who already belongs to an org (409 already_in_org), leaving the invite usable', async () => {
    const other = await createOrg(url)
    const { token, id } = await invite(other.admin.email)
    await assert.rejects(
      (await acceptances(other.admin)).create({ token: token! }),
      code('Conflict', 'already_in_org')
    )
    assert.equal((await db()('invites').where({ id }).first()).accepted_at, null)
    assert.equal((await db()('users').where({ id: other.admin.id }).first()).org_id, other.orgId)
  })

  it('lets exactly one of two parallel acceptances of one token succeed', async () => {
    const me = await register(url)
    const { token } = await invite(me.email)
    const service = await acceptances(me)
    const results = await Promise.allSettled([
      service.create({ token: token! }),
      service.create({ token: token! })
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    assert.ok(code('Conflict', 'invite_used')(failed.reason), JSON.stringify(failed.reason))
    assert.equal(
      (await auditOf((await db()('invites').where({ accepted_by: me.id }).first()).id, 'invite.accepted'))
        .length,
      1
    )
  })

  it('lets a user join only one org when accepting two orgs’ invites at once', async () => {
    const me = await register(url)
    const other = await createOrg(url)
    const first = await invite(me.email)
    const second = await (
      await pool.client(url, other.admin)
    )
      .service('invites')
      .create({ email: me.email, role: 'MEMBER' })
    const service = await acceptances(me)
    const results = await Promise.allSettled([
      service.create({ token: first.token! }),
      service.create({ token: second.token! })
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    assert.ok(code('Conflict', 'already_in_org')(failed.reason), JSON.stringify(failed.reason))
    assert.equal(
      (await db()('invites').whereIn('id', [first.id, second.id]).whereNotNull('accepted_at')).length,
      1
    )
  })

  if (transport === 'socketio') {
    it('moves the accepting user’s live socket into the org channel', async () => {
      const me = await register(url)
      const { token } = await invite(me.email)
      const client = await pool.client(url, me)
      assertMatches(
        inviteAcceptanceSchema,
        await client.service('invite-acceptances').create({ token: token! }),
        [userSchema]
      )
      const name = uniq('Renamed ')
      const received = new Promise<any>((resolve) => client.service('orgs').on('patched', resolve))
      const patched = await api(
        url,
        'PATCH',
        `/orgs/${orgId}`,
        { name },
        { authorization: `Bearer ${admin.accessToken}` }
      )
      assert.equal(patched.status, 200)
      assert.equal((await received).name, name)
    })
  }
})
