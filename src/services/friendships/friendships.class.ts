// Friendships between users of one org: request (by id or username), accept, reject, cancel, unfriend, block
// and unblock. Users of other orgs, and rows that are not mine, answer 404 exactly like missing ones.
import { BadRequest, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { isUuid } from '../../hooks/validate-id'
import type {
  Friendship,
  FriendshipData,
  FriendshipPage,
  FriendshipPatch,
  FriendshipQuery,
  FriendshipView
} from './friendships.schema'
import { friendshipRows, myFriendshipRows, toFriendship, toViews } from './friendships.view'
import { block, change, end, request } from './friendships.transitions'
import type { FriendshipEvent, Outcome, Row } from './friendships.transitions'

export type { Friendship, FriendshipData, FriendshipPage, FriendshipPatch, FriendshipQuery, FriendshipView }

export interface FriendshipParams extends Params<FriendshipQuery> {}

// The event a call announces when it is not the method's default (a request that accepted, an unblock that
// left the other's block), and a row a call replaced (announced as removed first). Read by friendships.ts.
export const EVENT = Symbol('friendship-event')
export const REPLACED = Symbol('friendship-replaced')

const userNotFound = () => new NotFound('User not found', { code: 'not_found' })
const friendshipNotFound = () => new NotFound('Friendship not found', { code: 'not_found' })

const mark = <T extends object>(result: T, event: FriendshipEvent, replaced?: Friendship): T => {
  Object.defineProperty(result, EVENT, { value: event })
  if (replaced) Object.defineProperty(result, REPLACED, { value: replaced })
  return result
}

export class FriendshipService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private caller(params: Params) {
    const user = requireUser(params)
    return { me: user.id as string, orgId: requireOrgId(params) }
  }

  // Sorted by the other person's username: a friends list reads alphabetically, and pages stay stable.
  async find(params: FriendshipParams): Promise<FriendshipPage> {
    const { me, orgId } = this.caller(params)
    const { $limit, $skip = 0, status, direction, user_id: peerId } = params.query ?? {}
    const limit = Math.min($limit ?? this.app.get('paginate')?.default ?? 25, 100)
    const base = myFriendshipRows(this.db, me, orgId)
    if (status) base.where('f.status', status)
    if (direction) base.where(direction === 'outgoing' ? 'f.requester_id' : 'f.addressee_id', me)
    if (peerId) {
      base.where((q) =>
        q
          .where({ 'f.requester_id': peerId, 'f.addressee_id': me })
          .orWhere({ 'f.requester_id': me, 'f.addressee_id': peerId })
      )
    }
    const [{ count }] = await base.clone().clearSelect().count({ count: '*' })
    const rows =
      limit === 0
        ? []
        : await base
            .orderByRaw(
              'lower(case when f.requester_id = ?::uuid then au.username else ru.username end), f.id',
              [me]
            )
            .limit(limit)
            .offset($skip)
    return { total: Number(count), limit, skip: $skip, data: await toViews(this.app, rows, me, orgId) }
  }

  async get(id: Id, params: FriendshipParams): Promise<FriendshipView> {
    const { me, orgId } = this.caller(params)
    return this.view(String(id), me, orgId)
  }

  private async view(id: string, me: string, orgId: string): Promise<FriendshipView> {
    const row = await myFriendshipRows(this.db, me, orgId).where('f.id', id).first()
    if (!row) throw friendshipNotFound()
    const [view] = await toViews(this.app, [row], me, orgId)
    return view
  }

  // The other user, by id or username, within my org. Requests go to active users only (like DMs); a block
  // may also target a suspended or banned user, so the block is in place if they come back.
  private async peer(orgId: string, me: string, data: FriendshipData): Promise<string> {
    if ((data.user_id === undefined) === (data.username === undefined)) {
      throw new BadRequest('Give either user_id or username', { code: 'validation_error' })
    }
    if (data.user_id === me) throw this.selfError(data)
    const query = this.db('users').select('id', 'status').where({ org_id: orgId })
    if (data.user_id) query.where({ id: data.user_id })
    else query.whereRaw('lower(username) = ?', [data.username!.trim().replace(/^@/, '').toLowerCase()])
    const user = await query.first()
    if (!user || (!data.block && user.status !== 'active')) throw userNotFound()
    if (user.id === me) throw this.selfError(data)
    return user.id
  }

  private selfError(data: FriendshipData) {
    return new BadRequest(
      data.block ? 'You cannot block yourself' : 'You cannot send yourself a friend request',
      {
        code: 'friend_self'
      }
    )
  }

  async create(data: FriendshipData, params: FriendshipParams): Promise<FriendshipView> {
    if (Array.isArray(data)) throw new MethodNotAllowed('One friendship at a time')
    const { me, orgId } = this.caller(params)
    const peer = await this.peer(orgId, me, data)
    const outcome: Outcome = await this.db.transaction((trx) =>
      data.block ? block(trx, orgId, me, peer) : request(trx, orgId, me, peer)
    )
    return mark(await this.view(outcome.id, me, orgId), outcome.event, outcome.replaced)
  }

  async patch(id: NullableId, data: FriendshipPatch, params: FriendshipParams): Promise<FriendshipView> {
    if (id === null) throw new MethodNotAllowed('Patch one friendship at a time')
    const { me, orgId } = this.caller(params)
    await this.db.transaction(async (trx) =>
      change(trx, await this.lockMine(trx, String(id), me, orgId), me, orgId, data.status)
    )
    return this.view(String(id), me, orgId)
  }

  // Answers with the row as it was removed, or as it stays when the other user still blocks.
  async remove(id: NullableId, params: FriendshipParams): Promise<Friendship> {
    if (id === null) throw new MethodNotAllowed('Remove one friendship at a time')
    const { me, orgId } = this.caller(params)
    return this.db.transaction(async (trx) => {
      const row = await this.lockMine(trx, String(id), me, orgId)
      const before = await this.shared(trx, row.id)
      const outcome = await end(trx, row, me)
      return outcome.event === 'removed' ? before : mark(await this.shared(trx, row.id), outcome.event)
    })
  }

  // My row, locked for the change; 404 unless I am one of the two and the other is in my org now.
  private async lockMine(trx: Knex.Transaction, id: string, me: string, orgId: string): Promise<Row> {
    if (!isUuid(id)) throw friendshipNotFound()
    const row: Row | undefined = await trx('friendships')
      .where({ id })
      .where((q) => q.where('requester_id', me).orWhere('addressee_id', me))
      .forUpdate()
      .first()
    if (!row) throw friendshipNotFound()
    const peer = await trx('users')
      .select('org_id')
      .where({ id: row.requester_id === me ? row.addressee_id : row.requester_id })
      .first()
    if (peer?.org_id !== orgId) throw friendshipNotFound()
    return row
  }

  // The shared row with both profiles, as events carry it.
  private async shared(db: Knex, id: string): Promise<Friendship> {
    return toFriendship(await friendshipRows(db).where('f.id', id).first())
  }
}
