// One shared cast for the attack suites: two orgs, every org role, a room with owner/admin/member, API keys,
// and one private record of each kind owned by the room member. Spare users are inserted directly (no login).
import crypto from 'node:crypto'
import type { Socket } from 'socket.io-client'
import type { Knex } from 'knex'
import { addMember, api, bearer, createOrg, uniq } from './fixtures'
import type { Account } from './fixtures'
import { openSocket } from './attack'
import { apiKeyScopes } from '../../src/auth/scopes'

export const ACTORS = [
  'admin',
  'manager',
  'member',
  'owner',
  'radmin',
  'rmember',
  'outsider',
  'other',
  'keyWith',
  'keyWithout',
  'anon'
] as const
export type ActorName = (typeof ACTORS)[number]
export const USER_ACTORS = ACTORS.filter((a) => !['keyWith', 'keyWithout', 'anon'].includes(a))

export interface Cast {
  url: string
  db: Knex
  orgA: { id: string; name: string }
  users: Record<string, Account>
  headers: Record<ActorName, Record<string, string>>
  sockets: Partial<Record<ActorName, Socket>>
  room: { id: string; name: string; topic: string }
  message: { id: string; body: string }
  inviteId: string
  keyWithId: string
  keyWithoutId: string
  auditId: string
  privateIds: Record<string, string>
  // Every string of org A that another org or a non-member must never see.
  secrets: string[]
}

const ok = <T = any>(res: { status: number; body: any }, what: string): T => {
  if (res.status >= 300) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as T
}

export const pushKeys = () => ({
  p256dh: Buffer.concat([Buffer.from([4]), crypto.randomBytes(64)]).toString('base64url'),
  auth: crypto.randomBytes(16).toString('base64url')
})

export const spareUser = async (db: Knex, orgId: string): Promise<string> => {
  const username = uniq('spare')
  const [row] = await db('users')
    .insert({ org_id: orgId, email: `${username}@example.com`, username, name: `Spare ${username}` })
    .returning('id')
  return row.id
}

export const buildCast = async (url: string, db: Knex): Promise<Cast> => {
  const marker = `SECRET${crypto.randomBytes(4).toString('hex')}`
  const { admin, orgId } = await createOrg(url, `Org ${marker}`)
  const [manager, member, owner, radmin, rmember, outsider] = await Promise.all([
    addMember(url, admin, 'MANAGER'),
    ...Array.from({ length: 5 }, () => addMember(url, admin, 'MEMBER'))
  ])
  const { admin: other } = await createOrg(url)
  const users: Record<string, Account> = { admin, manager, member, owner, radmin, rmember, outsider, other }
  const as = (name: string) => bearer(users[name].accessToken)

  const room = ok(
    await api(
      url,
      'POST',
      '/rooms',
      { name: `Room ${marker}`, topic: `Topic ${marker}`, member_ids: [radmin.id, rmember.id] },
      as('owner')
    ),
    'room'
  )
  const members = ok(await api(url, 'GET', `/members?room_id=${room.id}`, undefined, as('owner')), 'members')
  const radminRow = members.data.find((m: any) => m.user_id === radmin.id)
  ok(await api(url, 'PATCH', `/members/${radminRow.id}`, { role: 'admin' }, as('owner')), 'promote')
  const body = `Body ${marker}`
  const message = ok(await api(url, 'POST', '/messages', { room_id: room.id, body }, as('rmember')), 'msg')
  ok(await api(url, 'PATCH', `/messages/${message.id}`, { body: `${body} edited` }, as('rmember')), 'edit')

  const invite = ok(
    await api(url, 'POST', '/invites', { email: `${uniq('inv')}@example.com`, role: 'MEMBER' }, as('admin')),
    'invite'
  )
  const allScopes = [...new Set(Object.values(apiKeyScopes).flatMap((m) => Object.values(m)))]
  const keyWith = ok(
    await api(url, 'POST', '/api-keys', { name: 'with', scopes: allScopes }, as('admin')),
    'key'
  )
  const keyWithout = ok(
    await api(url, 'POST', '/api-keys', { name: 'without', scopes: ['webhooks:manage'] }, as('admin')),
    'key'
  )
  const audit = await db('audit_logs').where({ org_id: orgId }).first()

  const cast: Cast = {
    url,
    db,
    orgA: { id: orgId, name: `Org ${marker}` },
    users,
    headers: {
      ...(Object.fromEntries(Object.keys(users).map((n) => [n, as(n)])) as any),
      keyWith: { 'x-api-key': keyWith.key },
      keyWithout: { 'x-api-key': keyWithout.key },
      anon: {}
    },
    sockets: {},
    room: { id: room.id, name: room.name, topic: room.topic },
    message: { id: message.id, body },
    inviteId: invite.id,
    keyWithId: keyWith.id,
    keyWithoutId: keyWithout.id,
    auditId: audit.id,
    privateIds: {},
    secrets: [marker, rmember.email, orgId, room.id, message.id]
  }
  cast.privateIds = await privateRecords(cast)
  for (const name of [...USER_ACTORS, 'anon'] as ActorName[]) {
    cast.sockets[name] = await openSocket(url, users[name]?.accessToken)
  }
  return cast
}

// A record of each private kind owned by the room member (a fresh one on each call, for writes that consume it).
export const privateRecord = async (cast: Cast, kind: string): Promise<string> => {
  const { db, url } = cast
  const rmember = cast.users.rmember
  const as = bearer(rmember.accessToken)
  switch (kind) {
    case 'friendship': {
      const spare = await spareUser(db, cast.orgA.id)
      const [row] = await db('friendships')
        .insert({ org_id: cast.orgA.id, requester_id: spare, addressee_id: rmember.id })
        .returning('id')
      return row.id
    }
    case 'notification': {
      const [row] = await db('notifications')
        .insert({ org_id: cast.orgA.id, user_id: rmember.id, type: 'mention', room_id: cast.room.id })
        .returning('id')
      return row.id
    }
    case 'sentFriendship': {
      const spare = await spareUser(db, cast.orgA.id)
      const [row] = await db('friendships')
        .insert({ org_id: cast.orgA.id, requester_id: rmember.id, addressee_id: spare })
        .returning('id')
      return row.id
    }
    case 'spare':
      return spareUser(db, cast.orgA.id)
    case 'preference': {
      // An override is one per room: each fresh one needs a room of its own.
      const room = ok(await api(url, 'POST', '/rooms', { name: uniq('pref ') }, as), 'room')
      return ok(
        await api(url, 'POST', '/notification-preferences', { room_id: room.id, level: 'nothing' }, as),
        'pref'
      ).id
    }
    case 'push':
      return ok(
        await api(
          url,
          'POST',
          '/push-subscriptions',
          { endpoint: `https://push.example.com/${uniq('ep')}`, keys: pushKeys() },
          as
        ),
        'push'
      ).id
    case 'mail': {
      const [row] = await db('dev_mailbox')
        .insert({
          user_id: rmember.id,
          to_address: rmember.email,
          from_address: 'x@localhost',
          subject: `Mail ${cast.secrets[0]}`,
          text: 't',
          html: 'h'
        })
        .returning('id')
      return row.id
    }
    default:
      throw new Error(kind)
  }
}

const privateRecords = async (cast: Cast) => {
  const out: Record<string, string> = {}
  for (const kind of ['friendship', 'sentFriendship', 'spare', 'notification', 'preference', 'push', 'mail'])
    out[kind] = await privateRecord(cast, kind)
  return out
}

// The actor's socket, re-opened if the server closed it (an anonymous socket is closed after the
// authentication timeout, so a long suite must not hold one across cells).
export const liveSocket = async (cast: Cast, actor: ActorName): Promise<Socket> => {
  const socket = cast.sockets[actor]
  if (socket?.connected) return socket
  socket?.close()
  cast.sockets[actor] = await openSocket(cast.url, cast.users[actor]?.accessToken)
  return cast.sockets[actor]!
}

export const closeCast = (cast: Cast | undefined) => {
  for (const socket of Object.values(cast?.sockets ?? {})) socket?.close()
}
