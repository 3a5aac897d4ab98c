// The friendship state machine, inside the caller's transaction with the pair's row locked. One row per pair:
// none -> pending -> accepted | rejected; any -> blocked (by either or both); cancel/unfriend/unblock delete it.
import { Conflict, Forbidden } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { blockedError, pairWhere } from './blocks'
import type { Friendship } from './friendships.schema'
import { friendshipRows, toFriendship } from './friendships.view'

export type FriendshipEvent = 'created' | 'patched' | 'removed'

export interface Outcome {
  id: string
  event: FriendshipEvent
  // A rejected request replaced by a new one the other way round: its row is gone (announced as removed).
  replaced?: Friendship
}

export interface Row {
  id: string
  org_id: string
  requester_id: string
  addressee_id: string
  status: 'pending' | 'accepted' | 'rejected' | 'blocked'
  blocked_by: string[]
}

const insertPair = async (trx: Knex.Transaction, fields: Record<string, unknown>): Promise<string | null> => {
  // A concurrent insert of the same pair waits on the unique index, then does nothing; the caller then
  // finds (and locks) the winner's row and applies the rules to it.
  const [row] = await trx('friendships').insert(fields).onConflict().ignore().returning('id')
  return row?.id ?? null
}

const lockPair = (trx: Knex.Transaction, a: string, b: string): Promise<Row | undefined> =>
  trx('friendships')
    .whereRaw(pairWhere(trx, a, b))
    .forUpdate()
    .first()

// Insert a new row for the pair, or apply `onExisting` to the locked existing one (retrying when the row
// that blocked the insert was deleted before it could be locked).
const upsertPair = async (
  trx: Knex.Transaction,
  fields: Record<string, unknown> & { requester_id: string; addressee_id: string },
  onExisting: (row: Row) => Promise<Outcome>
): Promise<Outcome> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = await insertPair(trx, fields)
    if (id) return { id, event: 'created' }
    const row = await lockPair(trx, fields.requester_id, fields.addressee_id)
    if (row) return onExisting(row)
  }
  throw new Conflict('This friendship is changing right now; try again', { code: 'conflict' })
}

const touch = (trx: Knex.Transaction, id: string, changes: Record<string, unknown>) =>
  trx('friendships')
    .where({ id })
    .update({ ...changes, updated_at: trx.fn.now() })

// A friend request from `me` to `peer`. Asking someone who already asked me accepts their request, as on
// Discord: both want the friendship, and a 409 would only make the client send an accept next.
export const request = (trx: Knex.Transaction, orgId: string, me: string, peer: string) =>
  upsertPair(trx, { org_id: orgId, requester_id: me, addressee_id: peer }, async (row) => {
    if (row.status === 'blocked') throw blockedError()
    if (row.status === 'accepted') throw new Conflict('You are already friends', { code: 'already_friends' })
    if (row.status === 'pending') {
      if (row.requester_id === me)
        throw new Conflict('You already sent this user a request', { code: 'request_exists' })
      await touch(trx, row.id, { status: 'accepted', accepted_at: trx.fn.now(), org_id: orgId })
      return { id: row.id, event: 'patched' }
    }
    // Rejected. The rejected requester may not ask again (no nagging); the one who rejected may change their
    // mind: the old request is replaced by a new one from them, a new row so it is announced as `created`.
    if (row.requester_id === me) {
      throw new Conflict('This user declined your request', { code: 'request_rejected' })
    }
    const replaced = toFriendship(await friendshipRows(trx).where('f.id', row.id).first())
    await trx('friendships').where({ id: row.id }).del()
    const id = await insertPair(trx, { org_id: orgId, requester_id: me, addressee_id: peer })
    return { id: id!, event: 'created', replaced }
  })

const addBlocker = async (trx: Knex.Transaction, row: Row, me: string, orgId: string): Promise<Outcome> => {
  if (row.blocked_by.includes(me))
    throw new Conflict('You already block this user', { code: 'already_blocked' })
  // Blocking ends a friendship or a request; the row stays as the record of who blocks whom.
  await touch(trx, row.id, {
    status: 'blocked',
    blocked_by: trx.raw('array_append(blocked_by, ?::uuid)', [me]),
    accepted_at: null,
    org_id: orgId
  })
  return { id: row.id, event: 'patched' }
}

// `me` blocks `peer`, whatever the pair's state (also strangers: a block needs no prior contact).
export const block = (trx: Knex.Transaction, orgId: string, me: string, peer: string) =>
  upsertPair(
    trx,
    {
      org_id: orgId,
      requester_id: me,
      addressee_id: peer,
      status: 'blocked',
      blocked_by: trx.raw('array[?::uuid]', [me])
    },
    (row) => addBlocker(trx, row, me, orgId)
  )

// Accept, reject (the addressee of a pending request) or block (either user) an existing row.
export const change = async (
  trx: Knex.Transaction,
  row: Row,
  me: string,
  orgId: string,
  status: string
): Promise<Outcome> => {
  if (status === 'blocked') return addBlocker(trx, row, me, orgId)
  if (row.status !== 'pending') throw new Conflict('This request is not pending', { code: 'not_pending' })
  if (row.addressee_id !== me) {
    throw new Forbidden('Only the user who received the request can accept or reject it', {
      code: 'not_addressee'
    })
  }
  await touch(
    trx,
    row.id,
    status === 'accepted' ? { status, accepted_at: trx.fn.now(), org_id: orgId } : { status }
  )
  return { id: row.id, event: 'patched' }
}

// Cancel (my pending request), unfriend, forget a request I rejected, or lift my block. The other side of a
// pending or rejected request and a blocked user cannot make the row go away: that would undo the other's say.
export const end = async (trx: Knex.Transaction, row: Row, me: string): Promise<Outcome> => {
  const mine = row.requester_id === me
  if (row.status === 'pending' && !mine) {
    throw new Forbidden('Reject the request instead of removing it', { code: 'not_requester' })
  }
  if (row.status === 'rejected' && mine) {
    throw new Forbidden('This user declined your request', { code: 'request_rejected' })
  }
  if (row.status === 'blocked') {
    if (!row.blocked_by.includes(me)) throw blockedError()
    const others = row.blocked_by.filter((id) => id !== me)
    if (others.length > 0) {
      await touch(trx, row.id, { blocked_by: trx.raw('array_remove(blocked_by, ?::uuid)', [me]) })
      return { id: row.id, event: 'patched' }
    }
  }
  await trx('friendships').where({ id: row.id }).del()
  return { id: row.id, event: 'removed' }
}
