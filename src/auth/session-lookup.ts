// The access-token check's query, coalesced: the token logins and calls of a turn load their users and check
// their sessions in one statement (batch-loader.ts); a reconnect storm is 1,000 of them within a second.
import type { Knex } from 'knex'
import { batchLoader } from '../batch-loader'

export interface SessionKey {
  userId: string
  sessionId: string
  // A socket's login also reads the user's room ids (login-rooms.ts).
  withRooms: boolean
}

// The user's row (password hash included: the strategy drops it), and `_room_ids` when asked; null when the
// session is not one of this user's live sessions (ended, revoked, never).
export type SessionRow = Record<string, any> | null

export const sessionLoader = (db: () => Knex) =>
  batchLoader<SessionKey, SessionRow>(
    async (keys) => {
      // The room lists only when a socket login of the batch asks (no subquery for the others).
      const rooms = keys.some((k) => k.withRooms)
        ? `, case when k.with_rooms
             then array(select rm.room_id from room_members rm where rm.user_id = u.id) end as _room_ids`
        : ''
      const result = await db().raw(
        `select k.idx::int as _idx, u.*${rooms}
         from unnest(?::uuid[], ?::uuid[], ?::boolean[]) with ordinality as k(user_id, session_id, with_rooms, idx)
         join auth_sessions s on s.id = k.session_id and s.user_id = k.user_id and s.revoked_at is null
         join users u on u.id = k.user_id`,
        [keys.map((k) => k.userId), keys.map((k) => k.sessionId), keys.map((k) => k.withRooms)]
      )
      const rows: SessionRow[] = keys.map(() => null)
      for (const { _idx, ...row } of result.rows) rows[_idx - 1] = row
      return rows
    },
    // Small rows: a batch's size is bounded by the room lists of socket logins (a user in many rooms).
    { maxBatchSize: 100, maxInflight: 4 }
  )
