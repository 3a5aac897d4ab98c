// Reading friendships: the shared row with both users' public profiles, and the caller's view of it with the
// other person's presence and our DM's last message and my unread count (the rooms view computes those).
import { resolve } from '@feathersjs/schema'
import type { Knex } from 'knex'
import type { Application, HookContext } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { presenceOf } from '../../realtime/presence'
import { roomViewQuery, toRoom } from '../rooms/rooms.view'
import type { Friendship, FriendshipView, UserSummary } from './friendships.schema'

const PROFILE = ['id', 'username', 'name', 'avatar_url'] as const

// Rows with both users' profiles as r_* (requester) and a_* (addressee) columns.
export const friendshipRows = (db: Knex) =>
  db('friendships as f')
    .join('users as ru', 'ru.id', 'f.requester_id')
    .join('users as au', 'au.id', 'f.addressee_id')
    .select(
      'f.*',
      ...PROFILE.map((field) => `ru.${field} as r_${field}`),
      ...PROFILE.map((field) => `au.${field} as a_${field}`),
      'ru.org_id as r_org_id',
      'au.org_id as a_org_id',
      'ru.last_seen_at as r_last_seen_at',
      'au.last_seen_at as a_last_seen_at'
    )

// Only rows of mine whose other person is in my org now: a friend who left the org drops out of my list,
// and nothing about users of other orgs is ever confirmed to exist.
export const myFriendshipRows = (db: Knex, userId: string, orgId: string) =>
  friendshipRows(db)
    .where((q) => q.where('f.requester_id', userId).orWhere('f.addressee_id', userId))
    .whereRaw('(case when f.requester_id = ?::uuid then au.org_id else ru.org_id end) = ?::uuid', [
      userId,
      orgId
    ])

const profile = (row: any, prefix: 'r' | 'a'): UserSummary => ({
  id: row[`${prefix}_id`],
  username: row[`${prefix}_username`],
  name: row[`${prefix}_name`],
  avatar_url: row[`${prefix}_avatar_url`] ?? null
})

export const toFriendship = (row: any): Friendship => ({
  id: row.id,
  org_id: row.org_id,
  requester_id: row.requester_id,
  addressee_id: row.addressee_id,
  status: row.status,
  blocked_by: row.blocked_by ?? [],
  accepted_at: row.accepted_at,
  created_at: row.created_at,
  updated_at: row.updated_at,
  requester: profile(row, 'r'),
  addressee: profile(row, 'a')
})

export const dmKey = (a: string, b: string) => [a, b].sort().join(':')

// The caller's views of the rows: presence of each other person (the presence store, like the presence
// service: online = seen now, else users.last_seen_at) and our DM's preview and unread count, in 2 queries.
export const toViews = async (
  app: Application,
  rows: any[],
  userId: string,
  orgId: string
): Promise<FriendshipView[]> => {
  if (rows.length === 0) return []
  const db: Knex = app.get('postgresqlClient')
  const peerOf = (row: any) => (row.requester_id === userId ? row.addressee_id : row.requester_id)
  const peerIds = rows.map(peerOf)
  const [online, dms] = await Promise.all([
    presenceOf(app).statuses(peerIds),
    roomViewQuery(db, userId, orgId)
      .where('r.kind', 'dm')
      .whereIn(
        'r.dm_key',
        peerIds.map((peerId) => dmKey(userId, peerId))
      )
  ])
  const rooms = new Map(dms.map((dm: any) => [dm.dm_key as string, toRoom(dm, userId)]))
  const now = new Date().toISOString()
  return rows.map((row) => {
    const peerId = peerOf(row)
    const outgoing = row.requester_id === userId
    const lastSeen = outgoing ? row.a_last_seen_at : row.r_last_seen_at
    const room = rooms.get(dmKey(userId, peerId))
    return {
      ...toFriendship(row),
      peer_id: peerId,
      direction: outgoing ? 'outgoing' : 'incoming',
      presence: online.has(peerId)
        ? { status: 'online', last_seen_at: now }
        : { status: 'offline', last_seen_at: lastSeen ? new Date(lastSeen).toISOString() : null },
      dm_room_id: room?.id ?? null,
      last_message: room?.last_message ?? null,
      unread_count: room?.unread_count ?? 0
    }
  })
}

// My views of the rows of one call's result, computed once for all of them (toViews batches presence and
// DMs), then handed out row by row by the resolver.
const viewsByCall = new WeakMap<HookContext, Promise<Map<string, FriendshipView>>>()
const viewsOf = (context: HookContext) => {
  let views = viewsByCall.get(context)
  if (!views) {
    const result = context.result
    const rows: any[] = Array.isArray(result) ? result : Array.isArray(result?.data) ? result.data : [result]
    const me = requireUser(context.params).id as string
    views = toViews(context.app, rows, me, requireOrgId(context.params)).then(
      (list) => new Map(list.map((view) => [view.id, view]))
    )
    viewsByCall.set(context, views)
  }
  return views
}

// Rows of myFriendshipRows (with r_* / a_* profile columns) as the caller's views.
export const friendshipViewResolver = resolve<FriendshipView, HookContext>({
  converter: async (row, context) => (await viewsOf(context)).get(row.id)!,
  properties: {}
})
