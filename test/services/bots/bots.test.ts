// API keys that act: a key's bot posts and reads over REST in rooms an ADMIN added it to, shows as a bot in
// rooms and events, never logs in, never holds an org role; scopes, membership and org still decide.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { api, bearer, clientFor, createOrg, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import type { TestClient } from '../../helpers/clients'
import { record } from '../../helpers/events'
import { newKey, staffedOrg, withKey } from '../api-keys/helpers'
import type { Staff } from '../api-keys/helpers'

const asAdmin = (admin: Account) => bearer(admin.accessToken)

const expectCode = (res: { status: number; body: any }, status: number, code: string) => {
  assert.equal(res.status, status, JSON.stringify(res.body))
  assert.equal(res.body.data?.code, code, JSON.stringify(res.body))
}

describe('bots: API keys that act [rest]', () => {
  let url: string
  let staff: Staff
  let other: { admin: Account; orgId: string }
  let roomId: string
  let bot: { id: string; key: string; bot_user_id: string }
  const sockets: TestClient[] = []

  const room = async (admin: Account, name: string) => {
    const res = await api(url, 'POST', '/rooms', { name }, asAdmin(admin))
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body.id as string
  }
  const addToRoom = async (admin: Account, room: string, userId: string) => {
    const res = await api(url, 'POST', '/members', { room_id: room, user_id: userId }, asAdmin(admin))
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body
  }
  const post = (key: string, room: string, body: string, headers: Record<string, string> = {}) =>
    api(url, 'POST', '/messages', { room_id: room, body }, { ...withKey(key), ...headers })

  before(async () => {
    url = sharedServer().url
    staff = await staffedOrg(url)
    other = await createOrg(url)
    const res = await api(
      url,
      'POST',
      '/api-keys',
      { name: 'deploys', bot_name: 'Deploy Bot', scopes: ['messages:write', 'messages:read', 'rooms:read'] },
      asAdmin(staff.ADMIN)
    )
    assert.equal(res.status, 201, JSON.stringify(res.body))
    bot = res.body
    roomId = await room(staff.ADMIN, 'Deploys')
    await addToRoom(staff.ADMIN, roomId, staff.MEMBER.id)
  })
  after(() => sockets.forEach((s) => s.close()))

  it('creating a key creates its bot: a user of kind bot in the org, no email, no role', async () => {
    assert.match(bot.bot_user_id, /^[0-9a-f-]{36}$/)
    const user = await api(url, 'GET', `/users/${bot.bot_user_id}`, undefined, asAdmin(staff.ADMIN))
    assert.equal(user.status, 200)
    assert.equal(user.body.kind, 'bot')
    assert.equal(user.body.name, 'Deploy Bot')
    assert.match(user.body.username, /^deploy-bot-bot-[a-z0-9]{6}$/)
    assert.equal(user.body.email, null)
    assert.equal(user.body.role, null)
    assert.equal(user.body.org_id, staff.orgId)
    const me = await api(url, 'GET', `/users/${staff.MEMBER.id}`, undefined, asAdmin(staff.ADMIN))
    assert.equal(me.body.kind, 'person')
    // A key without bot_name gets a bot named after the key.
    const plain = await newKey(url, staff.ADMIN, ['users:read'], 'nightly report')
    const plainBot = await api(url, 'GET', `/users/${plain.bot_user_id}`, undefined, asAdmin(staff.ADMIN))
    assert.equal(plainBot.body.name, 'nightly report')
  })

  it('posts as the bot once an ADMIN added it; members see it live with kind bot', async () => {
    const refused = await post(bot.key, roomId, 'before I was added')
    expectCode(refused, 404, 'not_found')
    const member = await addToRoom(staff.ADMIN, roomId, bot.bot_user_id)
    assert.equal(member.user_kind, 'bot')
    const listener = await clientFor(url, 'socketio', staff.MEMBER)
    sockets.push(listener)
    const events = record(listener.client, ['messages'])
    const sent = await post(bot.key, roomId, 'Deployed v1.2.3 🚀')
    assert.equal(sent.status, 201, JSON.stringify(sent.body))
    assert.equal(sent.body.sender_id, bot.bot_user_id)
    assert.equal(sent.body.sender_kind, 'bot')
    const seen = await events.waitFor((e) => e.event === 'created' && e.data.id === sent.body.id)
    assert.equal(seen.data.sender_id, bot.bot_user_id)
    assert.equal(seen.data.sender_kind, 'bot')
    assert.equal(seen.data.body, 'Deployed v1.2.3 🚀')
    // The room's preview says who spoke last.
    const preview = await listener.client.service('rooms').get(roomId)
    assert.equal(preview.last_message?.id, sent.body.id)
    assert.equal(preview.last_message?.sender_kind, 'bot')
    // People's messages say so too.
    const human = await listener.client.service('messages').create({ room_id: roomId, body: 'thanks' })
    assert.equal(human.sender_kind, 'person')
    assert.equal((await listener.client.service('rooms').get(roomId)).last_message?.sender_kind, 'person')
    // The members list shows the bot as one.
    const list = await api(url, 'GET', `/members?room_id=${roomId}`, undefined, asAdmin(staff.ADMIN))
    const row = list.body.data.find((m: any) => m.user_id === bot.bot_user_id)
    assert.equal(row.user_kind, 'bot')
    assert.ok(
      list.body.data
        .filter((m: any) => m.user_id !== bot.bot_user_id)
        .every((m: any) => m.user_kind === 'person')
    )
  })

  it('reads rooms, members and messages only of rooms it was added to', async () => {
    const elsewhere = await room(staff.ADMIN, 'Not for bots')
    const rooms = await api(url, 'GET', '/rooms', undefined, withKey(bot.key))
    assert.equal(rooms.status, 200, JSON.stringify(rooms.body))
    assert.deepEqual(
      rooms.body.data.map((r: any) => r.id),
      [roomId]
    )
    assert.equal((await api(url, 'GET', `/rooms/${roomId}`, undefined, withKey(bot.key))).status, 200)
    expectCode(await api(url, 'GET', `/rooms/${elsewhere}`, undefined, withKey(bot.key)), 404, 'not_found')
    const members = await api(url, 'GET', `/members?room_id=${roomId}`, undefined, withKey(bot.key))
    assert.equal(members.status, 200)
    assert.ok(members.body.data.some((m: any) => m.user_id === staff.MEMBER.id))
    expectCode(
      await api(url, 'GET', `/members?room_id=${elsewhere}`, undefined, withKey(bot.key)),
      404,
      'not_found'
    )
    const history = await api(url, 'GET', `/messages?room_id=${roomId}`, undefined, withKey(bot.key))
    assert.equal(history.status, 200)
    assert.ok(history.body.data.length >= 2)
    const one = history.body.data[0]
    assert.equal((await api(url, 'GET', `/messages/${one.id}`, undefined, withKey(bot.key))).status, 200)
    expectCode(
      await api(url, 'GET', `/messages?room_id=${elsewhere}`, undefined, withKey(bot.key)),
      404,
      'not_found'
    )
    expectCode(await post(bot.key, elsewhere, 'hello?'), 404, 'not_found')
  })

  it("another org's room is a 404, even with the bot's id added nowhere there", async () => {
    const theirs = await room(other.admin, 'Theirs')
    // Their ADMIN cannot add our bot: to them it does not exist.
    const add = await api(
      url,
      'POST',
      '/members',
      { room_id: theirs, user_id: bot.bot_user_id },
      asAdmin(other.admin)
    )
    expectCode(add, 404, 'not_found')
    expectCode(await post(bot.key, theirs, 'hi'), 404, 'not_found')
    expectCode(await api(url, 'GET', `/rooms/${theirs}`, undefined, withKey(bot.key)), 404, 'not_found')
    expectCode(
      await api(url, 'GET', `/messages?room_id=${theirs}`, undefined, withKey(bot.key)),
      404,
      'not_found'
    )
  })

  it('scopes refuse what they do not allow (403 scope_missing)', async () => {
    const readOnly = await newKey(url, staff.ADMIN, ['messages:read'], 'reader')
    await addToRoom(staff.ADMIN, roomId, readOnly.bot_user_id as string)
    expectCode(await post(readOnly.key, roomId, 'not allowed'), 403, 'scope_missing')
    expectCode(await api(url, 'GET', '/rooms', undefined, withKey(readOnly.key)), 403, 'scope_missing')
    expectCode(
      await api(url, 'GET', `/members?room_id=${roomId}`, undefined, withKey(readOnly.key)),
      403,
      'scope_missing'
    )
    assert.equal(
      (await api(url, 'GET', `/messages?room_id=${roomId}`, undefined, withKey(readOnly.key))).status,
      200
    )
    const writeOnly = await newKey(url, staff.ADMIN, ['messages:write'], 'writer')
    await addToRoom(staff.ADMIN, roomId, writeOnly.bot_user_id as string)
    assert.equal((await post(writeOnly.key, roomId, 'write only')).status, 201)
    expectCode(
      await api(url, 'GET', `/messages?room_id=${roomId}`, undefined, withKey(writeOnly.key)),
      403,
      'scope_missing'
    )
    // Neither key may manage rooms, members, deletes or other people's things.
    expectCode(await api(url, 'POST', '/rooms', { name: 'x' }, withKey(bot.key)), 403, 'scope_missing')
    expectCode(
      await api(url, 'POST', '/members', { room_id: roomId, user_id: staff.MANAGER.id }, withKey(bot.key)),
      403,
      'scope_missing'
    )
    const history = await api(url, 'GET', `/messages?room_id=${roomId}`, undefined, withKey(bot.key))
    expectCode(
      await api(url, 'DELETE', `/messages/${history.body.data[0].id}`, undefined, withKey(bot.key)),
      403,
      'scope_missing'
    )
  })

  it('Idempotency-Key: a repeated post returns the same message, and no second event', async () => {
    const listener = await clientFor(url, 'socketio', staff.MEMBER)
    sockets.push(listener)
    const events = record(listener.client, ['messages'])
    const headers = { 'idempotency-key': 'deploy-2026-11-26-001' }
    const first = await post(bot.key, roomId, 'Deployed v1.2.4', headers)
    assert.equal(first.status, 201, JSON.stringify(first.body))
    const again = await post(bot.key, roomId, 'Deployed v1.2.4', headers)
    assert.equal(again.status, 201)
    assert.equal(again.body.id, first.body.id)
    assert.equal(again.body.seq, first.body.seq)
    // A later message arriving proves the retry announced nothing in between.
    const marker = await post(bot.key, roomId, 'marker')
    await events.waitFor((e) => e.event === 'created' && e.data.id === marker.body.id)
    assert.equal(events.seen.filter((e) => e.event === 'created' && e.data.id === first.body.id).length, 1)
    const history = await api(
      url,
      'GET',
      `/messages?room_id=${roomId}&limit=100`,
      undefined,
      withKey(bot.key)
    )
    assert.equal(history.body.data.filter((m: any) => m.body === 'Deployed v1.2.4').length, 1)
  })

  it('searches with messages:read as its bot, only in the rooms it was added to', async () => {
    const w = uniq('w')
    const mine = await post(bot.key, roomId, `release ${w} shipped`)
    const elsewhere = await room(staff.ADMIN, 'Search elsewhere')
    const hidden = await api(
      url,
      'POST',
      '/messages',
      { room_id: elsewhere, body: `${w} hidden` },
      asAdmin(staff.ADMIN)
    )
    assert.equal(hidden.status, 201)
    const res = await api(url, 'GET', `/search?q=${w}`, undefined, withKey(bot.key))
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.deepEqual(
      res.body.data.map((hit: any) => [hit.id, hit.sender_kind]),
      [[mine.body.id, 'bot']]
    )
    expectCode(
      await api(url, 'GET', `/search?q=${w}&room_id=${elsewhere}`, undefined, withKey(bot.key)),
      404,
      'not_found'
    )
    const writer = await newKey(url, staff.ADMIN, ['messages:write'], 'blind writer')
    expectCode(await api(url, 'GET', `/search?q=${w}`, undefined, withKey(writer.key)), 403, 'scope_missing')
  })

  it('a bot never logs in with a password', async () => {
    const user = await api(url, 'GET', `/users/${bot.bot_user_id}`, undefined, asAdmin(staff.ADMIN))
    for (const email of [user.body.username, `${user.body.username}@example.com`, '']) {
      const res = await api(url, 'POST', '/authentication', {
        strategy: 'local',
        email,
        password: 'anything 123'
      })
      assert.equal(res.status, 401, JSON.stringify(res.body))
    }
    // The database refuses to give a bot a password, an email or a role, whatever a service might try.
    const db = sharedServer().app.get('postgresqlClient')
    for (const change of [{ password: 'x' }, { email: 'bot@example.com' }, { role: 'MEMBER' }]) {
      await assert.rejects(db('users').where({ id: bot.bot_user_id }).update(change), /users_bot_shape_check/)
    }
    // And API keys never authenticate a socket or get tokens.
    const jwt = await api(url, 'POST', '/authentication', { strategy: 'api-key', apiKey: bot.key })
    assert.ok(jwt.status >= 400, JSON.stringify(jwt.body))
  })

  it('a bot cannot get an org role (400 bot_no_role); an ADMIN can still suspend it', async () => {
    for (const role of ['ADMIN', 'MANAGER', 'MEMBER']) {
      expectCode(
        await api(url, 'PATCH', `/users/${bot.bot_user_id}`, { role }, asAdmin(staff.ADMIN)),
        400,
        'bot_no_role'
      )
    }
    const key = await newKey(url, staff.ADMIN, ['messages:write'], 'suspendable')
    await addToRoom(staff.ADMIN, roomId, key.bot_user_id as string)
    assert.equal((await post(key.key, roomId, 'still here')).status, 201)
    // The org hears of it; the event (checked against the catalogue) carries the bot's null email and role.
    const admin = await clientFor(url, 'socketio', staff.ADMIN)
    sockets.push(admin)
    const events = record(admin.client, ['users'])
    const suspended = await api(
      url,
      'PATCH',
      `/users/${key.bot_user_id}`,
      { status: 'suspended' },
      asAdmin(staff.ADMIN)
    )
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body))
    const seen = await events.waitFor((e) => e.event === 'patched' && e.data.id === key.bot_user_id)
    assert.equal(seen.data.kind, 'bot')
    assert.equal(seen.data.status, 'suspended')
    expectCode(await post(key.key, roomId, 'gone quiet'), 403, 'account_suspended')
  })
})
