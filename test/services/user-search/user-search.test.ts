// User search over REST and Socket.IO: case-insensitive prefixes of usernames and name words, ranked, limited,
// within my org only, without suspended or banned users unless I am an ADMIN; and the indexes behind it.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { api, bearer, createOrg, register, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { clientPool, db, rejectsWith } from '../rooms/helpers'
import { userHitSchema } from '../../../src/services/user-search/user-search.schema'
import { assertMatches } from '../../helpers/schemas'

// A member of `admin`'s org with the given username and name (addMember picks random ones).
const memberNamed = async (url: string, admin: Account, username: string, name: string) => {
  const email = `${username}@example.com`
  const invite = await api(url, 'POST', '/invites', { email, role: 'MEMBER' }, bearer(admin.accessToken))
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`)
  return register(url, { email, username, name, invite_token: invite.body.token })
}

forEachTransport('user-search', (transport) => {
  const pool = clientPool(transport)
  // A fresh org per test: each has its own "ann"s, so results are exact.
  const setUp = async () => {
    const t = uniq('').slice(0, 8)
    const { admin } = await createOrg(pool.url)
    const named = (username: string, name: string) => memberNamed(pool.url, admin, username, name)
    const users = {
      byUsername: await named(`ann${t}`, 'Zoe Quill'),
      byFirstName: await named(`x${t}a`, 'Ann Smith'),
      byLaterName: await named(`y${t}b`, 'Mary Annabel-Jones'),
      inside: await named(`z${t}c`, 'Joanne Doe'),
      suspended: await named(`annex${t}`, 'Suspended Person'),
      banned: await named(`w${t}d`, 'Annie Banned')
    }
    const { admin: otherAdmin } = await createOrg(pool.url)
    const outsider = await memberNamed(pool.url, otherAdmin, `anno${t}`, 'Ann Outsider')
    const a = await pool.client(admin)
    await a.service('users').patch(users.suspended.id, { status: 'suspended' } as any)
    await a.service('users').patch(users.banned.id, { status: 'banned' } as any)
    return { t, admin, users, outsider, a, member: await pool.client(users.inside) }
  }

  it('matches username and name-word prefixes case-insensitively, best matches first, in my org only', async () => {
    const { users, member } = await setUp()
    const search = async (q: string, extra: Record<string, unknown> = {}) =>
      (await member.service('user-search').find({ query: { q, ...extra } })).data.map((u) => u.id)
    const expected = [users.byUsername.id, users.byFirstName.id, users.byLaterName.id]
    assert.deepEqual(await search('ann'), expected)
    assert.deepEqual(await search('ANN'), expected)
    assert.deepEqual(await search(' @Ann '), expected)
    assert.deepEqual(await search('ann sm'), [users.byFirstName.id], 'every word must start a name word')
    assert.deepEqual(await search('jones'), [users.byLaterName.id], 'words split at hyphens too')
    assert.deepEqual(await search('mary annab'), [users.byLaterName.id])
    assert.deepEqual(await search('oanne'), [], 'inside a word is not a prefix')
    // The exact username comes first even when others share the prefix.
    assert.deepEqual((await search(users.byFirstName.username))[0], users.byFirstName.id)

    const page = await member.service('user-search').find({ query: { q: 'ann', $limit: 2 } })
    assert.deepEqual(Object.keys(page).sort(), ['data', 'has_more', 'limit'])
    assertMatches(userHitSchema, page.data)
    assert.deepEqual([page.limit, page.has_more, page.data.length], [2, true, 2])
    const hit = page.data[0]
    assert.deepEqual(Object.keys(hit).sort(), [
      'avatar_url',
      'friendship',
      'id',
      'name',
      'status',
      'username'
    ])
    assert.equal(hit.username, users.byUsername.username)
    assert.equal(hit.friendship, null)
    assert.equal((await member.service('user-search').find({ query: { q: 'ann' } })).has_more, false)
  })

  it('hides suspended and banned users from everyone but ADMINs, and shows my friendship with each hit', async () => {
    const { users, member, a, outsider, admin } = await setUp()
    const asAdmin = await a.service('user-search').find({ query: { q: 'ann' } })
    assert.deepEqual(
      new Set(asAdmin.data.map((u) => u.id)),
      new Set([
        users.byUsername.id,
        users.byFirstName.id,
        users.byLaterName.id,
        users.suspended.id,
        users.banned.id
      ])
    )
    assertMatches(userHitSchema, asAdmin.data)
    assert.equal(asAdmin.data.find((u) => u.id === users.banned.id)?.status, 'banned')
    assert.ok(!asAdmin.data.some((u) => u.id === outsider.id), 'never another org')
    const asMember = await member.service('user-search').find({ query: { q: 'ann' } })
    assert.deepEqual(
      new Set(asMember.data.map((u) => u.id)),
      new Set([users.byUsername.id, users.byFirstName.id, users.byLaterName.id])
    )

    const sent = await member.service('friendships').create({ user_id: users.byFirstName.id })
    await a.service('friendships').create({ user_id: users.inside.id })
    const hits = (await member.service('user-search').find({ query: { q: 'ann' } })).data
    assertMatches(userHitSchema, hits)
    assert.deepEqual(hits.find((u) => u.id === users.byFirstName.id)?.friendship, {
      id: sent.id,
      status: 'pending',
      direction: 'outgoing'
    })
    const me = (await member.service('user-search').find({ query: { q: admin.username } })).data[0]
    assert.equal(me.friendship?.direction, 'incoming')
  })

  it('treats LIKE and tsquery characters as text, and refuses an empty query or a bad limit with 400', async () => {
    const { member } = await setUp()
    for (const q of ['%', '_', 'a%', "ann' | !x:*", '\\', '()&']) {
      const page = await member.service('user-search').find({ query: { q } })
      assert.ok(Array.isArray(page.data), q)
      if (q === '%' || q === '_' || q === '\\') assert.deepEqual(page.data, [], `${q} matched as a wildcard`)
    }
    const bad = (p: Promise<unknown>) => rejectsWith(p, 'BadRequest', 'validation_error')
    await bad(member.service('user-search').find({ query: { q: '' } }))
    await bad(member.service('user-search').find({ query: { q: '   ' } }))
    await bad(member.service('user-search').find({ query: {} as any }))
    await bad(member.service('user-search').find({ query: { q: 'a', $limit: 0 } }))
    await bad(member.service('user-search').find({ query: { q: 'a', $limit: 51 } }))
    await bad(member.service('user-search').find({ query: { q: 'x'.repeat(65) } }))
    await bad(member.service('user-search').find({ query: { q: 'a', name: 'b' } as any }))
    const loner = await pool.client(await register(pool.url))
    await rejectsWith(loner.service('user-search').find({ query: { q: 'a' } }), 'Forbidden', 'no_org')
  })
})

describe('user-search: indexes', () => {
  // With sequential scans off, the planner uses an index if one can serve the condition at all.
  const plan = (sql: string, bindings: string[]) =>
    db().transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off')
      const rows = (await trx.raw(`explain ${sql}`, bindings)).rows
      return rows.map((r: any) => r['QUERY PLAN']).join('\n')
    })

  it('serves username prefixes and name-word prefixes from indexes', async () => {
    const byUsername = await plan(`select id from users where lower(username) like ? escape '\\'`, ['ann%'])
    assert.match(byUsername, /users_username_prefix/)
    const byName = await plan(
      `select id from users where to_tsvector('simple', name) @@ to_tsquery('simple', ?)`,
      ["'ann':*"]
    )
    assert.match(byName, /users_name_words/)
  })
})
