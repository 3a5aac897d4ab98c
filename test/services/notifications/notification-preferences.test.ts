// Notification preferences over REST and Socket.IO: my defaults (all / mentions / nothing, email, push), per-room
// overrides that win in their room, and mute (Slack-like: a muted room still notifies @mentions, nothing else).
// Absence is checked after the trigger work of the shared server has settled.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { sharedServer } from '../../helpers/server'
import { clientPool, memberOf, orgWith, rejectsWith } from '../rooms/helpers'
import { notificationsSettled } from '../../notifications/helpers'
import type { ClientApplication } from '../../../src/client'
import { notificationPreferenceSchema as preferenceSchema } from '../../../src/services/notification-preferences/notification-preferences.schema'
import { assertMatches, assertPageMatches } from '../../helpers/schemas'

const settled = () => notificationsSettled(sharedServer().app)

// The message ids I was notified about, of the given type.
const notified = async (c: ClientApplication, type: string) =>
  (await c.service('notifications').find({ query: { type: type as any, $limit: 100 } })).data.map(
    (n) => n.message_id
  )

const say = async (c: ClientApplication, roomId: string, body: string) =>
  (await c.service('messages').create({ room_id: roomId, body })).id

forEachTransport('notification-preferences', (transport) => {
  const pool = clientPool(transport)

  it('starts from defaults (all, email and push on) and sets them as an upsert', async () => {
    const { members } = await orgWith(pool.url, 1)
    const b = await pool.client(members[0])
    const page = await b.service('notification-preferences').find()
    assertPageMatches(preferenceSchema, page)
    assert.equal(page.total, 1)
    const [defaults] = page.data
    assert.deepEqual(
      { room_id: defaults.room_id, level: defaults.level, email: defaults.email, push: defaults.push },
      { room_id: null, level: 'all', email: true, push: true }
    )
    const set = await b.service('notification-preferences').create({ level: 'mentions', email: false })
    assertMatches(preferenceSchema, set)
    assert.equal(set.id, defaults.id, 'the same row')
    assert.deepEqual([set.level, set.email, set.push], ['mentions', false, true])
    const patched = await b.service('notification-preferences').patch(set.id, { push: false })
    assertMatches(preferenceSchema, patched)
    assertMatches(preferenceSchema, await b.service('notification-preferences').get(set.id))
    assert.deepEqual([patched.level, patched.email, patched.push], ['mentions', false, false])
    // Removing my defaults resets them.
    assertMatches(preferenceSchema, await b.service('notification-preferences').remove(set.id))
    const [reset] = (await b.service('notification-preferences').find()).data
    assert.deepEqual([reset.level, reset.email, reset.push], ['all', true, true])
  })

  it('default "mentions": DMs notify only when they mention me; "nothing": not even mentions or invites', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const group = await a.service('rooms').create({ name: 'G', member_ids: [bob.id] })

    await b.service('notification-preferences').create({ level: 'mentions' })
    const plain = await say(a, dm.id, 'plain DM')
    const mentioning = await say(a, dm.id, `@${bob.username} look`)
    const groupMention = await say(a, group.id, `@${bob.username} in the group`)
    await settled()
    assert.deepEqual(await notified(b, 'dm'), [mentioning])
    assert.ok(!(await notified(b, 'dm')).includes(plain))
    assert.deepEqual(await notified(b, 'mention'), [groupMention])

    await b.service('notification-preferences').create({ level: 'nothing' })
    await say(a, group.id, `@${bob.username} again`)
    await say(a, dm.id, `@${bob.username} hello?`)
    const other = await a.service('rooms').create({ name: 'H', member_ids: [bob.id] })
    await a.service('friendships').create({ user_id: bob.id })
    await settled()
    assert.deepEqual(await notified(b, 'mention'), [groupMention])
    assert.deepEqual(await notified(b, 'dm'), [mentioning])
    const invites = (await b.service('notifications').find({ query: { type: 'room_invite' } })).data
    assert.ok(!invites.some((n) => n.room_id === other.id), 'no invite at "nothing"')
    assert.equal((await b.service('notifications').find({ query: { type: 'friend_request' } })).total, 0)
  })

  it('a room override wins in its room only, and removing it falls back to my default', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const loud = await a.service('rooms').create({ name: 'Loud', member_ids: [bob.id] })
    const quiet = await a.service('rooms').create({ name: 'Quiet', member_ids: [bob.id] })

    await b.service('notification-preferences').create({ level: 'mentions' })
    const override = await b.service('notification-preferences').create({ room_id: dm.id, level: 'all' })
    assertMatches(preferenceSchema, override)
    assert.deepEqual(
      [override.room_id, override.level, override.email, override.push],
      [dm.id, 'all', null, null]
    )
    const silenced = await b
      .service('notification-preferences')
      .create({ room_id: quiet.id, level: 'nothing' })
    const dm1 = await say(a, dm.id, 'plain but wanted')
    const inQuiet = await say(a, quiet.id, `@${bob.username} quiet`)
    const inLoud = await say(a, loud.id, `@${bob.username} loud`)
    await settled()
    assert.deepEqual(await notified(b, 'dm'), [dm1])
    assert.deepEqual(await notified(b, 'mention'), [inLoud])
    assert.ok(!(await notified(b, 'mention')).includes(inQuiet))

    const listed = await b.service('notification-preferences').find()
    assertPageMatches(preferenceSchema, listed)
    assert.deepEqual(
      listed.data.map((p) => p.room_id),
      [null, dm.id, quiet.id]
    )
    assert.deepEqual(
      (await b.service('notification-preferences').find({ query: { room_id: quiet.id } })).data.map(
        (p) => p.id
      ),
      [silenced.id]
    )
    // Setting it again replaces it (same row).
    const replaced = await b
      .service('notification-preferences')
      .create({ room_id: quiet.id, level: 'mentions' })
    assert.equal(replaced.id, silenced.id)
    assert.equal(replaced.level, 'mentions')

    await b.service('notification-preferences').remove(override.id)
    const dm2 = await say(a, dm.id, 'plain again')
    const inQuietNow = await say(a, quiet.id, `@${bob.username} now?`)
    await settled()
    assert.ok(!(await notified(b, 'dm')).includes(dm2), 'back to my default "mentions"')
    assert.ok((await notified(b, 'mention')).includes(inQuietNow))
  })

  it('a muted room notifies @mentions only; an explicit "nothing" stays silent', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 1)
    const [bob] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const group = await a.service('rooms').create({ name: 'Muted', member_ids: [bob.id] })
    for (const room of [dm, group]) {
      const me = await memberOf(b, room.id, bob.id)
      await b.service('members').patch(me.id, { muted: true })
    }
    const plain = await say(a, dm.id, 'while muted')
    const mentionInDm = await say(a, dm.id, `@${bob.username} while muted`)
    const mentionInGroup = await say(a, group.id, `@${bob.username} still reaches you`)
    await settled()
    assert.deepEqual(await notified(b, 'dm'), [mentionInDm])
    assert.ok(!(await notified(b, 'dm')).includes(plain))
    assert.deepEqual(await notified(b, 'mention'), [mentionInGroup])

    await b.service('notification-preferences').create({ room_id: group.id, level: 'nothing' })
    const silenced = await say(a, group.id, `@${bob.username} nothing`)
    await settled()
    assert.ok(!(await notified(b, 'mention')).includes(silenced))
  })

  it('refuses rooms I am not in, per-room email/push, other people’s settings and bad values', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(ann)
    const b = await pool.client(bob)
    const c = await pool.client(carol)
    const room = await a.service('rooms').create({ name: 'Private', member_ids: [bob.id] })
    const prefs = b.service('notification-preferences')
    await rejectsWith(
      c.service('notification-preferences').create({ room_id: room.id, level: 'all' }),
      'NotFound',
      'not_found'
    )
    await rejectsWith(
      prefs.create({ room_id: room.id, level: 'all', email: false }),
      'BadRequest',
      'room_channels'
    )
    await rejectsWith(prefs.create({ room_id: room.id }), 'BadRequest', 'level_required')
    await rejectsWith(prefs.create({ level: 'loud' } as any), 'BadRequest')
    await rejectsWith(prefs.create({}), 'BadRequest')
    const override = await prefs.create({ room_id: room.id, level: 'nothing' })
    await rejectsWith(prefs.patch(override.id, { email: true }), 'BadRequest', 'room_channels')
    await rejectsWith(c.service('notification-preferences').get(override.id), 'NotFound', 'not_found')
    await rejectsWith(
      c.service('notification-preferences').patch(override.id, { level: 'all' }),
      'NotFound',
      'not_found'
    )
    await rejectsWith(c.service('notification-preferences').remove(override.id), 'NotFound', 'not_found')
    assert.equal((await prefs.get(override.id)).level, 'nothing')
  })
})
