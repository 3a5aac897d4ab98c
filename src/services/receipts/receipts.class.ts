// Receipts: a member moves their read/delivered pointers forward (never back, never past the room's last
// seq) in ONE statement; members list everyone's pointers. No row per message per member, ever.
import { BadRequest } from '@feathersjs/errors'
import type { Paginated, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { requireMembership, roomNotFound } from '../members/membership'
import { isUuid } from '../../hooks/validate-id'
import { unreadSql } from '../unread-counts/unread'
import type { MemberPointer, Receipt, ReceiptData, ReceiptPage, ReceiptQuery } from './receipts.schema'

export type { MemberPointer, Receipt, ReceiptData, ReceiptPage, ReceiptQuery }
export interface ReceiptParams extends KnexAdapterParams<ReceiptQuery> {}

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
  select rm.id, rm.room_id, rm.user_id, rm.org_id, rm.last_read_seq, rm.delivered_seq, r.last_seq
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
), active as (
  -- A day with a read counts as active in the analytics (a send's own pointer move is counted by the fold).
  insert into analytics_active_days (org_id, day, user_id)
  select t.org_id, (now() at time zone 'UTC')::date, t.user_id from target t where t.new_read > t.last_read_seq
  on conflict do nothing
)
select t.room_id, t.user_id, t.last_read_seq as old_read, t.delivered_seq as old_delivered,
  t.new_read, t.new_delivered, ${unreadSql('t.room_id', 't.new_read', 't.user_id')} as unread_count
from target t`

// Reads room_members rows (a member's pointers); writes only through MOVE_SQL.
export class ReceiptService
  extends KnexService<MemberPointer, ReceiptData, ReceiptParams>
  implements ServiceInterface<MemberPointer, ReceiptData, ReceiptParams>
{
  // Everyone's pointers in a room I am in, in join order, paginated like members (memberPointerResolver
  // turns the bigint pointers into numbers and drops the row id).
  private async pointers(params: ReceiptParams) {
    await requireMembership(this.Model, params, params.query?.room_id)
    const knex = this.createQuery({
      ...params,
      query: {
        ...params.query,
        $select: ['user_id', 'last_read_seq', 'delivered_seq'],
        $sort: { joined_at: 1, id: 1 }
      }
    } as ReceiptParams)
    // Wrapped: a query builder is thenable, so an async function would run it instead of returning it.
    return { knex }
  }

  override async find(
    params?: ReceiptParams & { paginate?: PaginationOptions }
  ): Promise<Paginated<MemberPointer>>
  override async find(params?: ReceiptParams & { paginate: false }): Promise<MemberPointer[]>
  override async find(params?: ReceiptParams): Promise<Paginated<MemberPointer> | MemberPointer[]>
  override async find(params: ReceiptParams = {}): Promise<Paginated<MemberPointer> | MemberPointer[]> {
    return this._find({ ...params, ...(await this.pointers(params)) })
  }

  // The pointer move, with the caller's unread count after it. Shaped here rather than by a resolver: the
  // MOVED mark must reach publishReceipts on the very object the event carries.
  override async create(data: ReceiptData, params?: ReceiptParams): Promise<Receipt>
  override async create(data: ReceiptData[], params?: ReceiptParams): Promise<Receipt[]>
  override async create(data: any, params: ReceiptParams = {}): Promise<any> {
    const user = requireUser(params)
    if (data.read_seq === undefined && data.delivered_seq === undefined) {
      throw new BadRequest('Give read_seq, delivered_seq or both', { code: 'validation_error' })
    }
    if (!isUuid(data.room_id) || !user.org_id) throw roomNotFound()
    // An absent pointer is 0: least(NULL, x) would be x in PostgreSQL, i.e. "everything".
    const result = await this.Model.raw(MOVE_SQL, {
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

// A room's pointers, like every find, come 25 to a page unless asked otherwise ($limit up to 1000).
export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: { default: 25, max: 1000 },
  Model: app.get('postgresqlClient'),
  name: 'room_members'
})
