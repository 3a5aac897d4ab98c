// Friendships over REST and Socket.IO: other orgs' users and rows answer 404 exactly like missing ones, bad
// input answers 400, and callers without an org 403.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { register } from '../../helpers/fixtures'
import { clientPool, orgWith, rejectsWith } from '../rooms/helpers'

const NOBODY = '0b0c0d0e-1111-4222-8333-944455556666'

forEachTransport('friendships: scope and input', (transport) => {
  const pool = clientPool(transport)

  it('answers users of other orgs, unknown and suspended users 404 exactly alike, and never shows their rows', async () => {
    const { admin, members } = await orgWith(pool.url, 2)
    const [bob, suspended] = members
    const {
      admin: stranger,
      members: [strangerFriend]
    } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    await a.service('users').patch(suspended.id, { status: 'suspended' } as any)

    const notFound = async (p: Promise<unknown>) => {
      await assert.rejects(p, (e: any) => {
        assert.equal(e.name, 'NotFound')
        assert.deepEqual([e.message, e.data.code], ['User not found', 'not_found'])
        return true
      })
    }
    await notFound(a.service('friendships').create({ user_id: stranger.id }))
    await notFound(a.service('friendships').create({ user_id: NOBODY }))
    await notFound(a.service('friendships').create({ username: stranger.username }))
    await notFound(a.service('friendships').create({ username: 'nobody-at-all' }))
    await notFound(a.service('friendships').create({ user_id: suspended.id }))
    await notFound(a.service('friendships').create({ user_id: stranger.id, block: true }))

    // Rows of another org: 404 for get, patch and remove, as for ids that never existed or are malformed.
    const s = await pool.client(stranger)
    const theirs = await s.service('friendships').create({ user_id: strangerFriend.id })
    for (const id of [theirs.id, NOBODY, 'not-a-uuid']) {
      await rejectsWith(a.service('friendships').get(id), 'NotFound', 'not_found')
      await rejectsWith(a.service('friendships').patch(id, { status: 'accepted' }), 'NotFound', 'not_found')
      await rejectsWith(a.service('friendships').remove(id), 'NotFound', 'not_found')
    }
    assert.equal((await a.service('friendships').find({ query: { user_id: strangerFriend.id } })).total, 0)

    // A friend who leaves the org drops out of my list, and their row answers 404.
    const b = await pool.client(bob)
    const f = await a.service('friendships').create({ user_id: bob.id })
    await b.service('friendships').patch(f.id, { status: 'accepted' })
    await b.service('users').remove(bob.id)
    assert.equal((await a.service('friendships').find({ query: { status: 'accepted' } })).total, 0)
    await rejectsWith(a.service('friendships').get(f.id), 'NotFound', 'not_found')
  })

  it('refuses bad input with 400 and callers without an org with 403 no_org', async () => {
    const { admin, members } = await orgWith(pool.url, 1)
    const a = await pool.client(admin)
    const bad = (p: Promise<unknown>) => rejectsWith(p, 'BadRequest', 'validation_error')
    await bad(a.service('friendships').create({}))
    await bad(a.service('friendships').create({ user_id: members[0].id, username: members[0].username }))
    await bad(a.service('friendships').create({ user_id: 'not-a-uuid' }))
    await bad(a.service('friendships').create({ user_id: members[0].id, status: 'accepted' } as any))
    const sent = await a.service('friendships').create({ user_id: members[0].id })
    await bad(a.service('friendships').patch(sent.id, { status: 'pending' } as any))
    await bad(a.service('friendships').patch(sent.id, {} as any))
    await bad(a.service('friendships').find({ query: { status: 'friends' } as any }))
    await bad(a.service('friendships').find({ query: { $limit: 101 } }))

    const loner = await pool.client(await register(pool.url))
    await rejectsWith(loner.service('friendships').find({}), 'Forbidden', 'no_org')
    await rejectsWith(loner.service('friendships').create({ user_id: admin.id }), 'Forbidden', 'no_org')
  })
})
