// The catch-up pages and access-token checks of one turn go to PostgreSQL as one statement each, and every
// caller still gets exactly its own answer: its own page (never another org's rows), its own refusal.
import assert from 'node:assert/strict'
import pg from 'pg'
import { sharedServer } from '../../helpers/server'
import { addMember, api, bearer, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { orgWithRoom } from '../../helpers/org-room'
import { sqlDuring } from '../../helpers/queries'
import { isoTimestamp } from '../../../src/iso-timestamps'

const app = () => sharedServer().app
const db = () => app().get('postgresqlClient')
const pageStatements = (sql: string[]) => sql.filter((s) => /jsonb_to_recordset/.test(s))
const tokenStatements = (sql: string[]) =>
  sql.filter((s) => /with ordinality as k\(user_id, session_id/.test(s))
const authenticate = (account: Account) =>
  app()
    .service('authentication')
    .authenticate({ strategy: 'jwt', accessToken: account.accessToken }, {}, 'jwt')
const catchUp = (user: any, query: any = {}) => app().service('catch-up').find({ user, query })

const sendSome = async (url: string, sender: Account, roomId: string, n: number) => {
  for (let i = 0; i < n; i++) {
    const sent = await api(
      url,
      'POST',
      '/messages',
      { room_id: roomId, body: `m${i}` },
      bearer(sender.accessToken)
    )
    assert.equal(sent.status, 201)
  }
}

describe('catch-up and token checks: the calls of a turn share one statement', () => {
  it('concurrent catch-ups of users of two orgs: one statement, and each page is what it is alone', async () => {
    const url = sharedServer().url
    const one = await orgWithRoom(url, 2, uniq('Coalesced A '))
    const two = await orgWithRoom(url, 1, uniq('Coalesced B '))
    await sendSome(url, one.admin, one.roomId, 3)
    await sendSome(url, two.admin, two.roomId, 2)
    const users = await Promise.all(
      [...one.members, ...two.members].map(async (m) => (await authenticate(m)).user)
    )
    const alone = []
    for (const user of users) alone.push(await catchUp(user))
    const { result: together, sql } = await sqlDuring(db(), () =>
      Promise.all(users.map((user) => catchUp(user)))
    )
    assert.equal(pageStatements(sql).length, 1, sql.join('\n'))
    assert.deepEqual(together, alone)
    together.forEach((page: any, i: number) => {
      const mine = i < one.members.length ? one : two
      assert.equal(page.data.length, mine === one ? 3 : 2)
      assert.ok(
        page.data.every((m: any) => m.room_id === mine.roomId),
        'only rooms of my own org'
      )
      assert.deepEqual(page.new_rooms, [mine.roomId])
    })
  })

  it('a request its statement cannot take is refused alone; the others of its batch get their pages', async () => {
    const url = sharedServer().url
    const { members, roomId } = await orgWithRoom(url, 1, uniq('Coalesced bad '))
    await sendSome(url, members[0], roomId, 2)
    const [good, bad] = await Promise.all(members.map(async (m) => (await authenticate(m)).user))
    // Past bigint: the statement fails on this request's data (22003), which would fail the whole batch.
    const { result, sql } = await sqlDuring(db(), () =>
      Promise.allSettled([catchUp(bad, { since: { [roomId]: 1e20 } }), catchUp(good)])
    )
    assert.equal(result[0].status, 'rejected')
    const { reason } = result[0] as PromiseRejectedResult
    assert.deepEqual([reason.name, reason.data?.code], ['BadRequest', 'validation_error'])
    assert.equal(result[1].status, 'fulfilled')
    assert.equal((result[1] as PromiseFulfilledResult<any>).value.data.length, 2)
    assert.equal(pageStatements(sql).length, 3, 'the batch, then each request alone')
    // Over REST the same request answers 400, as before the statements were shared.
    const rest = await api(
      url,
      'GET',
      `/catch-up?since[${roomId}]=100000000000000000000`,
      undefined,
      bearer(members[1].accessToken)
    )
    assert.equal(rest.status, 400)
    assert.equal(rest.body.data.code, 'validation_error')
  })

  it('concurrent token checks: one statement; an ended session is refused, the others get their users', async () => {
    const url = sharedServer().url
    const { admin, members } = await orgWithRoom(url, 2, uniq('Coalesced tokens '))
    const leaving = await addMember(url, admin)
    const out = await api(url, 'DELETE', '/authentication', undefined, bearer(leaving.accessToken))
    assert.equal(out.status, 200)
    const accounts = [...members, leaving]
    const { result, sql } = await sqlDuring(db(), () => Promise.allSettled(accounts.map(authenticate)))
    assert.equal(tokenStatements(sql).length, 1, sql.join('\n'))
    result.slice(0, -1).forEach((r, i) => {
      assert.equal(r.status, 'fulfilled')
      assert.equal((r as PromiseFulfilledResult<any>).value.user.id, members[i].id)
      assert.ok(!('password' in (r as PromiseFulfilledResult<any>).value.user))
    })
    const refused = result[result.length - 1] as PromiseRejectedResult
    assert.equal(refused.status, 'rejected')
    assert.equal(refused.reason.name, 'NotAuthenticated')
    assert.equal(refused.reason.data.code, 'session_revoked')
  })
})

describe('catch-up: timestamps read as ISO strings', () => {
  it("equal Date#toISOString of pg's own parse, for every form PostgreSQL prints", () => {
    const parse = pg.types.getTypeParser(1184, 'text')
    for (const text of [
      '2026-11-26 13:10:32.123456+00',
      '2026-11-26 13:10:32.1+00',
      '2026-11-26 13:10:32.999999+00',
      '2026-11-26 13:10:32+00',
      '2026-01-01 00:00:00.000500+00',
      '2026-11-26 15:10:32.123456+02',
      '2026-11-26 08:40:32.5-04:30',
      '1999-12-31 23:59:59.9999+00'
    ]) {
      assert.equal(isoTimestamp(text), (parse(text) as Date).toISOString(), text)
    }
    assert.equal(isoTimestamp('infinity'), Infinity)
  })
})
