// Receipts: a member moves their read/delivered pointers forward (never back, never past the room's last
// seq) in ONE statement; members list everyone's pointers. No row per message per member, ever.
import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { requireMembership, roomNotFound } from '../members/membership'
import { isUuid } from '../../hooks/validate-id'
import { unreadSql } from '../unread-counts/unread'
import type { MemberPointer, Receipt, ReceiptData, ReceiptPage, ReceiptQuery } from './receipts.schema'

export type { MemberPointer, Receipt, ReceiptData, ReceiptPage, ReceiptQuery }
export interface ReceiptParams extends Params<ReceiptQuery> {}

// Which pointers a create actually moved; decides where (and whether) the event goes.
export const MOVED = Symbol('receipt-moved')
export interface Moved {
  read: boolean
  delivered: boolean
}
export const movedOf = (receipt: Receipt): Moved =>
  (receipt as any)[MOVED] ?? { read: false, delivered: false }

// The row is locked (FOR UPDATE) before the new positions are computed, so two devices racing can only
// move a pointer forward; greatest() in the SET guards the same. Reading implies having received, so
// delivered_seq never falls behind last_read_seq. Membership in a room of the caller's org is part of
// the WHERE: no row means 404, exactly like a room that does not exist. Nothing is written when nothing
// moves. Returns the old and new positions and the caller's unread count after the move.
const MOVE_SQL = `
with cur as (
  select rm.id, rm.room_id, rm.user_id, rm.last_read_seq, rm.delivered_seq, r.last_seq
  from room_members rm join rooms r on r.id = rm.room_id
  where rm.room_id = :roomId and rm.user_id = :userId and r.org_id = :orgId
  for update of rm
), calc as (
  select cur.*, greatest(cur.last_read_seq, least(:read::bigint, cur.last_seq)) as new_read from cur
), target as (
  select calc.*, greatest(calc.delivered_seq, least(:delivered::bigint, calc.last_seq), calc.new_read) as new_delivered
  from calc
), moved as (
  update room_members rm
  set last_read_seq = greatest(rm.last_read_seq, t.new_read),
      delivered_seq = greatest(rm.delivered_seq, t.new_delivered),
      updated_at = now()
  from target t
  where rm.id = t.id and (t.new_read > t.last_read_seq or t.new_delivered > t.delivered_seq)
  returning rm.id
)
select t.room_id, t.user_id, t.last_read_seq as old_read, t.delivered_seq as old_delivered,
  t.new_read, t.new_delivered, ${unreadSql('t.room_id', 't.new_read', 't.user_id')} as unread_count
from target t`

export class ReceiptService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  // Everyone's pointers in a room I am in, in join order, paginated like members.
  async find(params: ReceiptParams = {}): Promise<ReceiptPage> {
    const { room_id: roomId, $limit, $skip = 0 } = params.query ?? ({} as ReceiptQuery)
    await requireMembership(this.db, params, roomId)
    const limit = Math.min($limit ?? 100, 1000)
    const base = this.db('room_members').where({ room_id: roomId })
    const counted = await base.clone().count({ count: '*' })
    const rows = await base
      .select('user_id', 'last_read_seq', 'delivered_seq')
      .orderBy([{ column: 'joined_at' }, { column: 'id' }])
      .limit(limit)
      .offset($skip)
    const data: MemberPointer[] = rows.map((row) => ({
      user_id: row.user_id,
      last_read_seq: Number(row.last_read_seq),
      delivered_seq: Number(row.delivered_seq)
    }))
    return { total: Number(counted[0]?.count ?? 0), limit, skip: $skip, data }
  }

  async create(data: ReceiptData, params: ReceiptParams = {}): Promise<Receipt> {
    const user = requireUser(params)
    if (data.read_seq === undefined && data.delivered_seq === undefined) {
      throw new BadRequest('Give read_seq, delivered_seq or both', { code: 'validation_error' })
    }
    if (!isUuid(data.room_id) || !user.org_id) throw roomNotFound()
    // An absent pointer is 0: least(NULL, x) would be x in PostgreSQL, i.e. "everything".
    const result = await this.db.raw(MOVE_SQL, {
      roomId: data.room_id,
      userId: user.id,
      orgId: user.org_id,
      read: data.read_seq ?? 0,
      delivered: data.delivered_seq ?? 0
    })
    const row = result.rows[0]
    if (!row) throw roomNotFound()
    const receipt: Receipt = {
      room_id: row.room_id,
      user_id: row.user_id,
      last_read_seq: Number(row.new_read),
      delivered_seq: Number(row.new_delivered),
      unread_count: Number(row.unread_count)
    }
    const moved: Moved = {
      read: Number(row.new_read) > Number(row.old_read),
      delivered: Number(row.new_delivered) > Number(row.old_delivered)
    }
    Object.defineProperty(receipt, MOVED, { value: moved })
    return receipt
  }
}
