// Authorization matrix: every method of every service × every kind of caller, over REST and Socket.IO. The
// expected answers (EXPECTED) come from the code and README; refused calls must leak nothing and change nothing.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { getServiceOptions } from '@feathersjs/feathers'
import { sharedServer } from '../helpers/server'
import { api, bearer, uniq } from '../helpers/fixtures'
import { fingerprint, outboxSettled, publicTables, restCall, socketArgs, socketCall } from '../helpers/attack'
import type { CallArgs, Method, Transport } from '../helpers/attack'
import {
  ACTORS,
  buildCast,
  closeCast,
  liveSocket,
  privateRecord,
  pushKeys,
  spareUser
} from '../helpers/attack-fixtures'
import type { ActorName, Cast } from '../helpers/attack-fixtures'

type Expect = 'ok' | 'NotFound' | 'Forbidden' | 'NotAuthenticated' | 'Conflict'
type Row = { def: Expect } & Partial<Record<ActorName, Expect>>

const ROOM = { owner: 'ok', radmin: 'ok', rmember: 'ok' } as const
const MINE = { rmember: 'ok' } as const

// THE table. Unlisted: anon → NotAuthenticated (only users.create is public), API keys → Forbidden (only the
// scopes of src/auth/scopes.ts), every other actor → `def`. Actors: org roles admin/manager/member (not in the
// room); owner/radmin/rmember of the room (org MEMBERs); outsider (same org, not in the room); other (ADMIN of
// another org); keyWith (all scopes) / keyWithout (none that apply); anon. Private records belong to rmember.
const EXPECTED: Record<string, Row> = {
  'users.find': { def: 'ok', keyWith: 'ok' },
  'users.get': { def: 'ok', other: 'NotFound', keyWith: 'ok' },
  'users.create': { def: 'ok', anon: 'ok', keyWith: 'ok', keyWithout: 'ok' },
  'users.patch': { def: 'Forbidden', rmember: 'ok', other: 'NotFound' },
  'users.remove': { def: 'Forbidden', admin: 'ok', other: 'NotFound' },
  'orgs.find': { def: 'ok', keyWith: 'ok' },
  'orgs.get': { def: 'ok', other: 'NotFound', keyWith: 'ok' },
  'orgs.create': { def: 'Conflict' },
  'orgs.patch': { def: 'Forbidden', admin: 'ok', other: 'NotFound' },
  'invites.find': { def: 'Forbidden', admin: 'ok', manager: 'ok', other: 'ok', keyWith: 'ok' },
  'invites.get': { def: 'Forbidden', admin: 'ok', manager: 'ok', other: 'NotFound', keyWith: 'ok' },
  'invites.create': { def: 'Forbidden', admin: 'ok', manager: 'ok', other: 'ok', keyWith: 'ok' },
  'invites.remove': { def: 'Forbidden', admin: 'ok', manager: 'ok', other: 'NotFound', keyWith: 'ok' },
  'invite-acceptances.create': { def: 'Forbidden' },
  'api-keys.find': { def: 'Forbidden', admin: 'ok', other: 'ok' },
  'api-keys.get': { def: 'Forbidden', admin: 'ok', other: 'NotFound' },
  'api-keys.create': { def: 'Forbidden', admin: 'ok', other: 'ok' },
  'api-keys.remove': { def: 'Forbidden', admin: 'ok', other: 'NotFound' },
  'audit-logs.find': { def: 'Forbidden', admin: 'ok', other: 'ok', keyWith: 'ok' },
  'audit-logs.get': { def: 'Forbidden', admin: 'ok', other: 'NotFound', keyWith: 'ok' },
  // ADMINs (and analytics:read keys) get their own org's report; another org's ADMIN gets that org's.
  'analytics.find': { def: 'Forbidden', admin: 'ok', other: 'ok', keyWith: 'ok' },
  // keyWith acts as its bot (rooms:read, messages:*), which is in no room here: 404 like any outsider.
  'rooms.find': { def: 'ok', keyWith: 'ok' },
  'rooms.get': { def: 'NotFound', ...ROOM, keyWith: 'NotFound' },
  'rooms.create': { def: 'ok' },
  'rooms.patch': { def: 'NotFound', owner: 'ok', radmin: 'ok', rmember: 'Forbidden' },
  'members.find': { def: 'NotFound', ...ROOM, keyWith: 'NotFound' },
  'members.get': { def: 'NotFound', ...ROOM, keyWith: 'NotFound' },
  'members.create': { def: 'NotFound', owner: 'ok', radmin: 'ok', rmember: 'Forbidden' },
  'members.patch': { def: 'NotFound', owner: 'ok', radmin: 'ok', rmember: 'Forbidden' },
  'members.remove': { def: 'NotFound', owner: 'ok', radmin: 'ok', rmember: 'Forbidden' },
  'messages.find': { def: 'NotFound', ...ROOM, keyWith: 'NotFound' },
  'messages.get': { def: 'NotFound', ...ROOM, keyWith: 'NotFound' },
  'messages.create': { def: 'NotFound', ...ROOM, keyWith: 'NotFound' },
  'messages.patch': {
    def: 'NotFound',
    owner: 'Forbidden',
    radmin: 'Forbidden',
    rmember: 'ok',
    keyWith: 'NotFound'
  },
  // Within the room: its members only (a key's bot is in no room here).
  'search.find': { def: 'NotFound', ...ROOM, keyWith: 'NotFound' },
  // Only my own rooms, whoever I am (a key's bot is in none here): never refused, never another's messages.
  'catch-up.find': { def: 'ok', keyWith: 'ok' },
  'messages.remove': { def: 'NotFound', owner: 'ok', radmin: 'ok', rmember: 'Forbidden' },
  'receipts.find': { def: 'NotFound', ...ROOM },
  'receipts.create': { def: 'NotFound', ...ROOM },
  'unread-counts.find': { def: 'ok' },
  'message-versions.find': { def: 'NotFound', ...ROOM },
  'typing.create': { def: 'NotFound', ...ROOM },
  'presence.find': { def: 'ok' },
  'presence.create': { def: 'ok' },
  'friendships.find': { def: 'ok' },
  'friendships.get': { def: 'NotFound', ...MINE },
  'friendships.create': { def: 'ok', other: 'NotFound' },
  'friendships.patch': { def: 'NotFound', ...MINE },
  'friendships.remove': { def: 'NotFound', ...MINE },
  'notifications.find': { def: 'ok' },
  'notifications.get': { def: 'NotFound', ...MINE },
  'notifications.patch': { def: 'NotFound', ...MINE },
  'notifications.remove': { def: 'NotFound', ...MINE },
  'notification-preferences.find': { def: 'ok' },
  'notification-preferences.get': { def: 'NotFound', ...MINE },
  'notification-preferences.create': { def: 'ok' },
  'notification-preferences.patch': { def: 'NotFound', ...MINE },
  'notification-preferences.remove': { def: 'NotFound', ...MINE },
  'push-subscriptions.find': { def: 'ok' },
  'push-subscriptions.get': { def: 'NotFound', ...MINE },
  'push-subscriptions.create': { def: 'ok' },
  'push-subscriptions.remove': { def: 'NotFound', ...MINE },
  'dev-mailbox.find': { def: 'ok' },
  'dev-mailbox.get': { def: 'NotFound', ...MINE },
  'user-search.find': { def: 'ok' },
  'jobs.find': { def: 'Forbidden', admin: 'ok', other: 'ok' },
  // A person's files (API keys have no uploads scope): lists are one's own, a file is its owner's (a file
  // shared in a message is readable by the room's members too; the matrix's upload is in no message).
  'uploads.find': { def: 'ok' },
  'uploads.get': { def: 'NotFound', ...MINE },
  'uploads.create': { def: 'ok' },
  'uploads.patch': { def: 'NotFound', ...MINE },
  'uploads.remove': { def: 'NotFound', ...MINE },
  // ADMINs and keys with webhooks:manage (keyWithout holds exactly that scope, so it is allowed here). A ping
  // needs an active webhook; the matrix's are inactive (nothing is sent mid-fingerprint), so admins get 409.
  'webhooks.find': { def: 'Forbidden', admin: 'ok', other: 'ok', keyWith: 'ok', keyWithout: 'ok' },
  'webhooks.get': { def: 'Forbidden', admin: 'ok', other: 'NotFound', keyWith: 'ok', keyWithout: 'ok' },
  'webhooks.create': { def: 'Forbidden', admin: 'ok', other: 'ok', keyWith: 'ok', keyWithout: 'ok' },
  'webhooks.patch': { def: 'Forbidden', admin: 'ok', other: 'NotFound', keyWith: 'ok', keyWithout: 'ok' },
  'webhooks.remove': { def: 'Forbidden', admin: 'ok', other: 'NotFound', keyWith: 'ok', keyWithout: 'ok' },
  'webhook-deliveries.find': { def: 'Forbidden', admin: 'ok', other: 'ok', keyWith: 'ok', keyWithout: 'ok' },
  'webhook-deliveries.get': {
    def: 'Forbidden',
    admin: 'ok',
    other: 'NotFound',
    keyWith: 'ok',
    keyWithout: 'ok'
  },
  'webhook-deliveries.create': {
    def: 'Forbidden',
    admin: 'Conflict',
    other: 'NotFound',
    keyWith: 'Conflict',
    keyWithout: 'Conflict'
  },
  'webhook-deliveries.patch': {
    def: 'Forbidden',
    admin: 'ok',
    other: 'NotFound',
    keyWith: 'ok',
    keyWithout: 'ok'
  }
}

export const expected = (cell: string, actor: ActorName): Expect => {
  const row = EXPECTED[cell]
  if (row[actor]) return row[actor]!
  if (actor === 'anon') return 'NotAuthenticated'
  if (actor === 'keyWith' || actor === 'keyWithout') return 'Forbidden'
  return row.def
}

const WRITES = new Set(['create', 'patch', 'remove'])

// The arguments of each cell; `fresh` is set for a call expected to succeed that consumes its target.
const argsOf = async (cast: Cast, cell: string, fresh: boolean): Promise<CallArgs> => {
  const { db, room, users, privateIds } = cast
  const asOwner = bearer(users.owner.accessToken)
  const roomMember = async () => {
    const user_id = await spareUser(db, cast.orgA.id)
    return (await api(cast.url, 'POST', '/members', { room_id: room.id, user_id }, asOwner)).body.id
  }
  const mine = async (kind: string) => (fresh ? privateRecord(cast, kind) : privateIds[kind])
  switch (cell) {
    case 'users.get':
      return { id: users.rmember.id }
    case 'users.create': {
      const username = uniq('reg')
      return { data: { email: `${username}@example.com`, username, name: 'R', password: 'correct horse 1' } }
    }
    case 'users.patch':
      return { id: users.rmember.id, data: { bio: 'same' } }
    case 'users.remove':
      // Not an actor: removing oneself from the org is allowed to everyone.
      return { id: fresh ? await spareUser(db, cast.orgA.id) : cast.privateIds.spare }
    case 'orgs.get':
      return { id: cast.orgA.id }
    case 'orgs.create':
      return { data: { name: uniq('Org ') } }
    case 'orgs.patch':
      return { id: cast.orgA.id, data: { name: cast.orgA.name } }
    case 'invites.get':
      return { id: cast.inviteId }
    case 'invites.create':
      return { data: { email: `${uniq('inv')}@example.com`, role: 'MEMBER' } }
    case 'invites.remove': {
      if (!fresh) return { id: cast.inviteId }
      const inv = await api(
        cast.url,
        'POST',
        '/invites',
        { email: `${uniq('i')}@example.com`, role: 'MEMBER' },
        bearer(users.admin.accessToken)
      )
      return { id: inv.body.id }
    }
    case 'invite-acceptances.create': {
      // A real token of org A, sent to an address none of the actors has: everyone is refused (and in an org).
      const inv = await api(
        cast.url,
        'POST',
        '/invites',
        { email: `${uniq('acc')}@example.com`, role: 'MEMBER' },
        bearer(users.admin.accessToken)
      )
      return { data: { token: inv.body.token } }
    }
    case 'api-keys.get':
      return { id: cast.keyWithId }
    case 'api-keys.create':
      return { data: { name: 'k', scopes: ['users:read'] } }
    case 'api-keys.remove': {
      if (!fresh) return { id: cast.keyWithoutId }
      const key = await api(
        cast.url,
        'POST',
        '/api-keys',
        { name: 'tmp', scopes: ['users:read'] },
        bearer(users.admin.accessToken)
      )
      return { id: key.body.id }
    }
    case 'audit-logs.get':
      return { id: cast.auditId }
    case 'rooms.get':
      return { id: room.id }
    case 'rooms.create':
      return { data: { name: uniq('room ') } }
    case 'rooms.patch':
      return { id: room.id, data: { topic: room.topic } }
    case 'members.find':
    case 'messages.find':
    case 'receipts.find':
      return { query: { room_id: room.id } }
    case 'members.get': {
      const row = await db('room_members').where({ room_id: room.id, user_id: users.rmember.id }).first()
      return { id: row.id }
    }
    case 'members.create':
      return { data: { room_id: room.id, user_id: await spareUser(db, cast.orgA.id) } }
    case 'members.patch':
    case 'members.remove':
      if (!cast.privateIds.roomMember || fresh) {
        const id = await roomMember()
        if (!fresh) cast.privateIds.roomMember = id
        return cell === 'members.patch' ? { id, data: { role: 'member' } } : { id }
      }
      return cell === 'members.patch'
        ? { id: cast.privateIds.roomMember, data: { role: 'member' } }
        : { id: cast.privateIds.roomMember }
    case 'messages.get':
      return { id: cast.message.id }
    case 'messages.create':
      return { data: { room_id: room.id, body: 'hello' } }
    case 'messages.patch':
      return { id: cast.message.id, data: { body: `${cast.message.body} edited` } }
    case 'messages.remove': {
      const sent = await api(
        cast.url,
        'POST',
        '/messages',
        { room_id: room.id, body: 'bye' },
        bearer(users.rmember.accessToken)
      )
      return { id: sent.body.id }
    }
    case 'receipts.create':
      return { data: { room_id: room.id, read_seq: 1 } }
    case 'user-search.find':
      return { query: { q: users.rmember.username.slice(0, 8) } }
    case 'search.find':
      return { query: { q: 'hello', room_id: room.id } }
    case 'message-versions.find':
      return { query: { message_id: cast.message.id } }
    case 'typing.create':
      return { data: { room_id: room.id } }
    case 'presence.create':
      return { data: {} }
    case 'friendships.create':
      return { data: { user_id: await spareUser(db, cast.orgA.id) } }
    case 'friendships.get':
      return { id: await mine('friendship') }
    // The requester cancels; the addressee rejects instead (403 not_requester), so this one rmember sent.
    case 'friendships.remove':
      return { id: await mine('sentFriendship') }
    case 'friendships.patch':
      return { id: await mine('friendship'), data: { status: 'accepted' } }
    case 'notifications.get':
    case 'notifications.remove':
      return { id: await mine('notification') }
    case 'notifications.patch':
      return { id: await mine('notification'), data: { read: true } }
    case 'notification-preferences.create':
      return { data: { level: 'mentions' } }
    case 'notification-preferences.get':
    case 'notification-preferences.remove':
      return { id: await mine('preference') }
    case 'notification-preferences.patch':
      return { id: await mine('preference'), data: { level: 'nothing' } }
    case 'push-subscriptions.create':
      return { data: { endpoint: `https://push.example.com/${uniq('ep')}`, keys: pushKeys() } }
    case 'push-subscriptions.get':
    case 'push-subscriptions.remove':
      return { id: await mine('push') }
    case 'dev-mailbox.get':
      return { id: await mine('mail') }
    case 'uploads.create':
      return { data: { filename: 'matrix.png', content_type: 'image/png', size: 1 } }
    case 'uploads.get':
    case 'uploads.patch':
    case 'uploads.remove': {
      const id = await matrixUpload(cast, fresh && cell === 'uploads.remove')
      return cell === 'uploads.patch' ? { id, data: { status: 'uploaded' } } : { id }
    }
    case 'webhooks.create':
      return { data: { url: 'http://127.0.0.1:9/matrix', events: ['room.created'], active: false } }
    case 'webhooks.get':
    case 'webhooks.patch':
    case 'webhooks.remove':
    case 'webhook-deliveries.create': {
      const id = await matrixWebhook(cast, fresh && cell === 'webhooks.remove')
      if (cell === 'webhooks.patch') return { id, data: { description: 'matrix' } }
      if (cell === 'webhook-deliveries.create') return { data: { webhook_id: id, type: 'ping' } }
      return { id }
    }
    case 'webhook-deliveries.get':
    case 'webhook-deliveries.patch': {
      const id = await matrixDelivery(cast)
      return cell === 'webhook-deliveries.patch' ? { id, data: { redeliver: true } } : { id }
    }
    default:
      return {}
  }
}

// A checked (rejected) upload of the room member: completing it again changes nothing, so no job runs
// mid-fingerprint; a fresh one for each allowed removal.
const matrixUpload = async (cast: Cast, fresh: boolean): Promise<string> => {
  if (!fresh && cast.privateIds.upload) return cast.privateIds.upload
  const id = crypto.randomUUID()
  await cast.db('uploads').insert({
    id,
    org_id: cast.orgA.id,
    owner_id: cast.users.rmember.id,
    filename: 'matrix.png',
    content_type: 'image/png',
    size: 1,
    status: 'rejected',
    reason: 'missing',
    key: `${cast.orgA.id}/${id}`
  })
  if (!fresh) cast.privateIds.upload = id
  return id
}

// An inactive webhook of org A (nothing is ever sent to it, so no delivery row changes mid-fingerprint).
const matrixWebhook = async (cast: Cast, fresh: boolean): Promise<string> => {
  if (!fresh && cast.privateIds.webhook) return cast.privateIds.webhook
  const [row] = await cast
    .db('webhooks')
    .insert({
      org_id: cast.orgA.id,
      url: 'http://127.0.0.1:9/matrix',
      events: ['room.created'],
      active: false,
      secret: 'whsec_matrix'
    })
    .returning('id')
  if (!fresh) cast.privateIds.webhook = row.id
  return row.id
}

const matrixDelivery = async (cast: Cast): Promise<string> => {
  if (cast.privateIds.delivery) return cast.privateIds.delivery
  const [row] = await cast
    .db('webhook_deliveries')
    .insert({
      webhook_id: await matrixWebhook(cast, false),
      org_id: cast.orgA.id,
      event_id: cast.db.raw('gen_random_uuid()'),
      event_type: 'ping',
      status: 'sent'
    })
    .returning('id')
  cast.privateIds.delivery = row.id
  return row.id
}

// A refused answer must not carry any of org A's strings except the id the caller itself sent.
const assertNoLeak = (cast: Cast, body: unknown, sentId: unknown, where: string) => {
  let text = JSON.stringify(body ?? '')
  if (typeof sentId === 'string') text = text.split(sentId).join('')
  for (const secret of cast.secrets) assert.ok(!text.includes(secret), `${where}: leaked ${secret}: ${text}`)
}

describe('authorization matrix (every service × method × actor, REST and Socket.IO)', function () {
  this.timeout(120000)
  let cast: Cast
  let tables: string[]

  before(async () => {
    const { url, app } = sharedServer()
    const db = app.get('postgresqlClient')
    cast = await buildCast(url, db)
    // Volatile by design, never written by a refused service call: sessions/refresh tokens (socket logins
    // of the cast), outbox (drained asynchronously after the allowed calls of the previous cell group).
    // agenda_jobs: Agenda's own bookkeeping of recurring jobs (lastRunAt, nextRunAt, locks) moves on a clock.
    // webhook_deliveries: the delivery worker keeps retrying (attempts, next_attempt_at) the deliveries of
    // webhooks earlier suites left pointing at closed receivers; its rows are written by triggers, which a
    // refused call's rolled-back transaction takes back with it.
    const volatile = ['auth_sessions', 'refresh_tokens', 'outbox', 'agenda_jobs', 'webhook_deliveries']
    tables = (await publicTables(db)).filter((t) => !volatile.includes(t))
  })
  after(() => closeCast(cast))

  it('the table covers every method of every service, and refuses other orgs and non-members with 404', () => {
    const app = sharedServer().app
    const listed = Object.keys(EXPECTED).sort()
    const actual: string[] = []
    for (const [path, service] of Object.entries((app as any).services as Record<string, any>)) {
      if (path === 'authentication' || path.startsWith('oauth')) continue
      const methods: readonly string[] = getServiceOptions(service)?.methods ?? []
      for (const m of methods)
        if (['find', 'get', 'create', 'patch', 'remove'].includes(m)) actual.push(`${path}.${m}`)
    }
    assert.deepEqual(listed, actual.sort())
    for (const cell of listed) {
      // Another org naming org A's records (get/patch/remove by id, or reads) learns nothing: never 403.
      if (/\.(get|find|patch|remove)$/.test(cell))
        assert.notEqual(expected(cell, 'other'), 'Forbidden', `${cell}: another org gets 403 instead of 404`)
      // A read of a room's data by someone of the org outside the room: 404, as for a room that does not exist.
      const roomRead = EXPECTED[cell].rmember === 'ok' && EXPECTED[cell].def === 'NotFound'
      if (roomRead && /\.(get|find)$/.test(cell)) assert.equal(expected(cell, 'outsider'), 'NotFound', cell)
    }
  })

  for (const transport of ['rest', 'socketio'] as Transport[]) {
    it(`every cell answers as the table says, leaks nothing and changes nothing when refused [${transport}]`, async () => {
      const failures: string[] = []
      for (const cell of Object.keys(EXPECTED)) {
        const [path, method] = cell.split('.') as [string, Method]
        const actors = ACTORS.filter((a) => transport === 'rest' || !a.startsWith('key'))
        const refused = actors.filter((a) => expected(cell, a) !== 'ok')
        const allowed = actors.filter((a) => expected(cell, a) === 'ok')
        const run = async (actor: ActorName, args: CallArgs) => {
          const answer =
            transport === 'rest'
              ? await restCall(cast.url, cast.headers[actor], method, path, args)
              : await socketCall(await liveSocket(cast, actor), method, path, socketArgs(method, args))
          const want = expected(cell, actor)
          if (answer.name !== want)
            failures.push(
              `${cell} as ${actor}: want ${want}, got ${answer.name} ${JSON.stringify(answer.body).slice(0, 200)}`
            )
          return { answer, args }
        }
        // Refused calls first, between two fingerprints of every table.
        const prepared = new Map<ActorName, CallArgs>()
        for (const actor of refused) prepared.set(actor, await argsOf(cast, cell, false))
        await outboxSettled(cast.db, [cast.orgA.id, cast.users.other.org_id!])
        const before = await fingerprint(cast.db, tables)
        for (const actor of refused) {
          const { answer, args } = await run(actor, prepared.get(actor)!)
          if (!(actor in ROOM)) assertNoLeak(cast, answer.body, args.id, `${transport} ${cell} as ${actor}`)
        }
        const after = await fingerprint(cast.db, tables)
        for (const table of tables)
          if (before[table] !== after[table]) failures.push(`${cell}: refused calls changed table ${table}`)
        for (const actor of allowed) {
          const { answer } = await run(actor, await argsOf(cast, cell, WRITES.has(method)))
          // Another org's own data is fine to see; org A's never is.
          if (actor === 'other') assertNoLeak(cast, answer.body, undefined, `${transport} ${cell} as other`)
        }
      }
      assert.deepEqual(failures, [])
    })
  }
})
