// The caller's view of rooms in one query: shared fields, my role and pointer, unread count, last message.
import type { Knex } from 'knex'
import type { Room } from './rooms.schema'
import { unreadSqlWithLastSeq } from '../unread-counts/unread'

export const PREVIEW_LENGTH = 140

export const roomViewQuery = (db: Knex, userId: string, orgId: string) =>
  db('room_members as rm')
    .join('rooms as r', 'r.id', 'rm.room_id')
    .leftJoin('messages as lm', function () {
      this.on('lm.room_id', '=', 'r.id').andOn('lm.seq', '=', 'r.last_seq')
    })
    .where({ 'rm.user_id': userId, 'r.org_id': orgId })
    .select(
      'r.*',
      'rm.role as my_role',
      'rm.muted',
      'rm.last_read_seq',
      db.raw(
        `${unreadSqlWithLastSeq('r.id', 'rm.last_read_seq', 'rm.user_id', 'r.last_seq')} as unread_count`
      ),
      'lm.id as lm_id',
      'lm.seq as lm_seq',
      'lm.sender_id as lm_sender_id',
      'lm.body as lm_body',
      'lm.kind as lm_kind',
      'lm.created_at as lm_created_at',
      'lm.unsent_at as lm_unsent_at',
      'lm.deleted_at as lm_deleted_at'
    )

export const toRoom = (row: any, userId: string): Room => {
  const peer = row.dm_key ? (row.dm_key.split(':').find((id: string) => id !== userId) ?? null) : null
  const manager = row.my_role === 'owner' || row.my_role === 'admin'
  return {
    id: row.id,
    org_id: row.org_id,
    kind: row.kind,
    name: row.name,
    topic: row.topic,
    created_by: row.created_by,
    dm_peer_id: peer,
    ...(manager && row.kind === 'group' ? { join_code: row.join_code } : {}),
    last_seq: Number(row.last_seq),
    last_message_at: row.last_message_at,
    member_count: row.member_count,
    archived_at: row.archived_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    my_role: row.my_role,
    muted: row.muted,
    last_read_seq: Number(row.last_read_seq),
    unread_count: Number(row.unread_count),
    last_message: row.lm_id
      ? {
          id: row.lm_id,
          seq: Number(row.lm_seq),
          sender_id: row.lm_sender_id,
          body: String(row.lm_body).slice(0, PREVIEW_LENGTH),
          kind: row.lm_kind,
          created_at: row.lm_created_at,
          unsent: !!row.lm_unsent_at,
          deleted: !!row.lm_deleted_at
        }
      : null
  }
}

// What every member may receive in an event: the room without anyone's personal fields.
const PERSONAL = ['my_role', 'muted', 'last_read_seq', 'unread_count', 'join_code', 'dm_peer_id'] as const

export const sharedRoomFields = (room: Room) => {
  const shared: Partial<Room> = { ...room }
  for (const field of PERSONAL) delete shared[field]
  return shared as Omit<Room, (typeof PERSONAL)[number]>
}
