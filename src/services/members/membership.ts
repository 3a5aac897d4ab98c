// Room membership look-ups shared by rooms, members, messages, receipts and typing. Not being a member of a
// room answers 404, exactly like a room that does not exist (rooms of other orgs included).
import type { Knex } from 'knex'
import type { Params } from '@feathersjs/feathers'
import { NotFound } from '@feathersjs/errors'
import { requireUser } from '../../auth/principal'
import { isUuid } from '../../hooks/validate-id'

export type RoomRole = 'owner' | 'admin' | 'member'

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

export interface RoomRow {
  id: string
  org_id: string
  kind: 'group' | 'dm'
  name: string | null
  archived_at: Date | null
  last_seq: string | number
  member_count: number
}

export const roomNotFound = () => new NotFound('Room not found', { code: 'not_found' })

export const findMembership = (db: Knex, roomId: string, userId: string): Promise<Membership | undefined> =>
  db('room_members').where({ room_id: roomId, user_id: userId }).first()

// The caller's membership and the room; 404 unless the caller is a member of a room of their own org.
export const requireMembership = async (db: Knex, params: Params, roomId: unknown) => {
  const user = requireUser(params)
  if (!isUuid(roomId)) throw roomNotFound()
  const row = await db('room_members as rm')
    .join('rooms as r', 'r.id', 'rm.room_id')
    .select(
      'rm.*',
      db.ref('r.kind').as('room_kind'),
      db.ref('r.archived_at').as('room_archived_at'),
      db.ref('r.last_seq').as('room_last_seq')
    )
    .where({ 'rm.room_id': roomId, 'rm.user_id': user.id, 'r.org_id': user.org_id })
    .first()
  if (!row) throw roomNotFound()
  return row as Membership & {
    room_kind: 'group' | 'dm'
    room_archived_at: Date | null
    room_last_seq: string
  }
}

export const isRoomManager = (membership: { role: RoomRole }) =>
  membership.role === 'owner' || membership.role === 'admin'

export const roomIdsOf = async (db: Knex, userId: string): Promise<string[]> =>
  (await db('room_members').select('room_id').where({ user_id: userId })).map((row) => row.room_id)
