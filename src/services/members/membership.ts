// Room membership look-ups shared by rooms, members, messages, receipts and typing. Not being a member of a
// room answers 404, exactly like a room that does not exist (rooms of other orgs included).
import type { Knex } from 'knex'
import type { Params } from '@feathersjs/feathers'
import { requireUser } from '../../auth/principal'
import type { RoomRole } from '../../auth/room-policy'
import { isUuid } from '../../hooks/validate-id'
import { notFound } from '../../errors'

export type { RoomRole }

export interface Membership {
  id: string
  room_id: string
  user_id: string
  org_id: string
  role: RoomRole
  last_read_seq: string | number
  delivered_seq: string | number
  muted: boolean
}

// What authorizeRoom loaded: the room, the caller's membership (null when not in it: only join by code gets
// that far), a block between the two people of a DM, and the target row a call is about (a member, a message).
export interface RoomAccess {
  room: {
    id: string
    org_id: string
    kind: 'group' | 'dm'
    archived_at: Date | null
    last_seq: number
    dm_key: string | null
  }
  membership: Membership | null
  blocked: boolean
  target?: { id: string; user_id: string | null; role?: RoomRole }
}

// Which room: by id, by join code, or as the room of a member row or a message.
export type RoomLocator =
  { roomId: unknown } | { joinCode: string } | { memberId: unknown } | { messageId: unknown }

export const roomNotFound = () => notFound('Room not found')

const MEMBERSHIP = ['id', 'room_id', 'user_id', 'org_id', 'role', 'last_read_seq', 'delivered_seq', 'muted']

// One query: the room (of the caller's org), the caller's membership, the DM block, the target row.
// Undefined when there is no such room or target in the caller's org.
export const loadRoomAccess = async (
  db: Knex,
  user: { id: string; org_id?: string | null },
  where: RoomLocator
): Promise<RoomAccess | undefined> => {
  const id = Object.values(where)[0] as string
  if (!user.org_id || typeof id !== 'string' || (!('joinCode' in where) && !isUuid(id))) return undefined
  const q = db('rooms as r')
    .leftJoin('room_members as me', (on) => on.on('me.room_id', 'r.id').andOnVal('me.user_id', user.id))
    .where('r.org_id', user.org_id)
    .select(
      'r.id as r_id',
      'r.org_id as r_org_id',
      'r.kind as r_kind',
      'r.archived_at as r_archived_at',
      'r.last_seq as r_last_seq',
      'r.dm_key as r_dm_key',
      ...MEMBERSHIP.map((column) => `me.${column} as me_${column}`),
      // Only DMs ask (group rooms ignore blocks); the pair's row is found through its (least, greatest) index.
      db.raw(`case when r.kind = 'dm' then exists (
        select 1 from friendships f where f.status = 'blocked'
          and least(f.requester_id, f.addressee_id)
            = least(split_part(r.dm_key, ':', 1)::uuid, split_part(r.dm_key, ':', 2)::uuid)
          and greatest(f.requester_id, f.addressee_id)
            = greatest(split_part(r.dm_key, ':', 1)::uuid, split_part(r.dm_key, ':', 2)::uuid)
      ) else false end as blocked`)
    )
  if ('roomId' in where) q.where('r.id', id)
  if ('joinCode' in where) q.where({ 'r.join_code': id, 'r.kind': 'group' })
  if ('memberId' in where) {
    q.join('room_members as t', 't.room_id', 'r.id').where('t.id', id)
    q.select('t.id as t_id', 't.user_id as t_user_id', 't.role as t_role')
  }
  if ('messageId' in where) {
    q.join('messages as t', 't.room_id', 'r.id').where('t.id', id)
    q.select('t.id as t_id', 't.sender_id as t_user_id')
  }
  const row = await q.first()
  if (!row) return undefined
  return {
    room: {
      id: row.r_id,
      org_id: row.r_org_id,
      kind: row.r_kind,
      archived_at: row.r_archived_at,
      last_seq: Number(row.r_last_seq),
      dm_key: row.r_dm_key
    },
    membership: row.me_id
      ? (Object.fromEntries(MEMBERSHIP.map((column) => [column, row[`me_${column}`]])) as Membership)
      : null,
    blocked: !!row.blocked,
    ...(row.t_id ? { target: { id: row.t_id, user_id: row.t_user_id, role: row.t_role ?? undefined } } : {})
  }
}

// The caller's membership and the room; 404 unless the caller is a member of a room of their own org.
export const requireMembership = async (db: Knex, params: Params, roomId: unknown) => {
  const access = await loadRoomAccess(db, requireUser(params), { roomId })
  if (!access?.membership) throw roomNotFound()
  return {
    ...access.membership,
    room_kind: access.room.kind,
    room_archived_at: access.room.archived_at,
    room_last_seq: String(access.room.last_seq)
  }
}

export const roomIdsOf = async (db: Knex, userId: string): Promise<string[]> =>
  (await db('room_members').select('room_id').where({ user_id: userId })).map((row) => row.room_id)
