// The caller's view of rooms in one query: shared fields, my role and pointer, unread count, last message.
// Shaped into a Room by the resolvers in rooms.schema.ts (and by toRoom for views without a hook context).
import type { Knex } from 'knex'
import type { Room } from './rooms.schema'
import { unreadSqlWithLastSeq } from '../unread-counts/unread'

export const PREVIEW_LENGTH = 140

const ROOM_COLUMNS = [
  'id',
  'org_id',
  'kind',
  'name',
  'topic',
  'created_by',
  'dm_key',
  'join_code',
  'last_seq',
  'last_message_at',
  'member_count',
  'archived_at',
  'created_at',
  'updated_at'
]

// Rooms `userId` is in, of their org, as `r` (friendships.view.ts filters on `r.` columns too).
export const roomViewQuery = (db: Knex, userId: string, orgId: string) =>
  db('room_members as rm')
    .join('rooms as r', 'r.id', 'rm.room_id')
    .leftJoin('messages as lm', function () {
      this.on('lm.room_id', '=', 'r.id').andOn('lm.seq', '=', 'r.last_seq')
    })
    // Whether the last message came from a bot (an API key's identity), for the preview.
    .leftJoin('users as lmu', 'lmu.id', 'lm.sender_id')
    .where({ 'rm.user_id': userId, 'r.org_id': orgId })
    .select(
      ...ROOM_COLUMNS.map((column) => `r.${column}`),
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
      'lm.deleted_at as lm_deleted_at',
      'lmu.kind as lm_sender_kind'
    )

// The same view as a table named `rooms`, for the Knex adapter (it counts and gets by `rooms.id`).
export const roomsOf = (
  db: Knex,
  userId: string,
  orgId: string,
  narrow?: (view: Knex.QueryBuilder) => void
) => {
  const view = roomViewQuery(db, userId, orgId)
  narrow?.(view)
  return db.from(view.as('rooms')).select('rooms.*')
}

// The row's columns that are not part of a Room: the last message's parts and the DM's key.
export const VIEW_ONLY = [
  'dm_key',
  'lm_id',
  'lm_seq',
  'lm_sender_id',
  'lm_body',
  'lm_kind',
  'lm_created_at',
  'lm_unsent_at',
  'lm_deleted_at',
  'lm_sender_kind'
] as const

export const lastMessageOf = (row: any): Room['last_message'] =>
  row.lm_id
    ? {
        id: row.lm_id,
        seq: Number(row.lm_seq),
        sender_id: row.lm_sender_id,
        sender_kind: row.lm_sender_kind ?? null,
        body: String(row.lm_body).slice(0, PREVIEW_LENGTH),
        kind: row.lm_kind,
        created_at: row.lm_created_at,
        unsent: !!row.lm_unsent_at,
        deleted: !!row.lm_deleted_at
      }
    : null

// The other person of a DM, from the caller's point of view.
export const dmPeerOf = (row: any, userId: string | undefined): string | null =>
  row.dm_key ? (row.dm_key.split(':').find((id: string) => id !== userId) ?? null) : null

// Only the room's owners and admins see the code others join with.
export const showsJoinCode = (row: any) =>
  row.kind === 'group' && (row.my_role === 'owner' || row.my_role === 'admin')

// For views embedded in other services' rows (friendships), which have no hook context to resolve in: the
// same fields as roomResolver + roomExternalResolver.
export const toRoom = (row: any, userId: string): Room => {
  const room: any = { ...row }
  for (const field of VIEW_ONLY) delete room[field]
  if (!showsJoinCode(row)) delete room.join_code
  return {
    ...room,
    dm_peer_id: dmPeerOf(row, userId),
    last_seq: Number(row.last_seq),
    last_read_seq: Number(row.last_read_seq),
    unread_count: Number(row.unread_count),
    last_message: lastMessageOf(row)
  }
}
