// Block look-ups for other services: a block by either of two users cuts contact both ways, as users expect
// from Slack/Discord (the blocker does not DM the person they blocked either). What a block refuses in rooms
// is decided by the room policy (src/auth/room-policy.ts); mentions of blocked users are dropped here.
import { Forbidden } from '@feathersjs/errors'
import type { Knex } from 'knex'

export const blockedError = () => new Forbidden('You cannot contact this user', { code: 'blocked' })

// The pair's row, found through the (least, greatest) unique index whichever way the request went.
export const pairWhere = (db: Knex, a: string, b: string) =>
  db.raw(
    'least(requester_id, addressee_id) = least(?::uuid, ?::uuid) and greatest(requester_id, addressee_id) = greatest(?::uuid, ?::uuid)',
    [a, b, a, b]
  )

export const isBlockedBetween = async (db: Knex, a: string, b: string): Promise<boolean> => {
  const row = await db('friendships')
    .select('id')
    .whereRaw(pairWhere(db, a, b))
    .where({ status: 'blocked' })
    .first()
  return !!row
}

// Of `userIds`, those with a block between them and `userId` (either direction).
export const blockedAmong = async (db: Knex, userId: string, userIds: string[]): Promise<Set<string>> => {
  if (userIds.length === 0) return new Set()
  const rows = await db('friendships')
    .select(
      db.raw('case when requester_id = ?::uuid then addressee_id else requester_id end as other', [userId])
    )
    .where({ status: 'blocked' })
    .where((q) =>
      q
        .where((w) => w.where('requester_id', userId).whereIn('addressee_id', userIds))
        .orWhere((w) => w.where('addressee_id', userId).whereIn('requester_id', userIds))
    )
  return new Set(rows.map((row: { other: string }) => row.other))
}

// Mentions of `userIds` by `senderId`, without the users blocked by or blocking the sender (order kept).
export const withoutBlocked = async (db: Knex, senderId: string, userIds: string[]): Promise<string[]> => {
  const blocked = await blockedAmong(db, senderId, userIds)
  return blocked.size ? userIds.filter((id) => !blocked.has(id)) : userIds
}
