// Friendships between users of one org: request (by id or username), accept, reject, cancel, unfriend, block
// and unblock. Users of other orgs, and rows that are not mine, answer 404 exactly like missing ones.
import { BadRequest, MethodNotAllowed } from '@feathersjs/errors'
import type {
  Id,
  NullableId,
  Paginated,
  PaginationOptions,
  Params,
  ServiceInterface
} from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import { isUuid } from '../../hooks/validate-id'
import type {
  Friendship,
  FriendshipData,
  FriendshipPage,
  FriendshipPatch,
  FriendshipQuery,
  FriendshipView
} from './friendships.schema'
import { friendshipRows, myFriendshipRows, toFriendship } from './friendships.view'
import { block, change, end, request } from './friendships.transitions'
import { enqueueTopic } from '../../outbox'
import type { FriendshipEvent, Outcome, Row } from './friendships.transitions'

export type { Friendship, FriendshipData, FriendshipPage, FriendshipPatch, FriendshipQuery, FriendshipView }

export interface FriendshipParams extends KnexAdapterParams<FriendshipQuery> {}

// The event a call announces when it is not the method's default (a request that accepted, an unblock that
// left the other's block), and a row a call replaced (announced as removed first). Read by friendships.ts.
export const EVENT = Symbol('friendship-event')
export const REPLACED = Symbol('friendship-replaced')

const userNotFound = () => notFound('User not found')
const friendshipNotFound = () => notFound('Friendship not found')

const mark = <T extends object>(result: T, event: FriendshipEvent, replaced?: Friendship): T => {
  Object.defineProperty(result, EVENT, { value: event })
  if (replaced) Object.defineProperty(result, REPLACED, { value: replaced })
  return result
}

// Reads are rows of my friendships with both profiles (friendshipViewResolver turns them into my views);
// writes are the transitions of friendships.transitions.ts, each in one transaction with the row locked.
// The notifications a transition owes, written to the outbox in its transaction (src/notifications/
// outbox-handlers.ts): a new request, an answer (accept, reject, block), or the end of a request.
const owe = async (trx: Knex.Transaction, outcome: Outcome, me: string, gone?: Row): Promise<Outcome> => {
  if (outcome.replaced) await enqueueTopic(trx, 'friendshipEnded', { friendship_id: outcome.replaced.id })
  if (outcome.event === 'removed') {
    await enqueueTopic(trx, 'friendshipEnded', { friendship_id: outcome.id }, gone?.org_id ?? null)
    return outcome
  }
  const row: Row = await trx('friendships').where({ id: outcome.id }).first()
  const pair = {
    friendship_id: row.id,
    org_id: row.org_id,
    requester_id: row.requester_id,
    addressee_id: row.addressee_id
  }
  if (outcome.event === 'created' && row.status === 'pending')
    await enqueueTopic(trx, 'friendRequested', pair, row.org_id)
  if (outcome.event === 'patched')
    await enqueueTopic(trx, 'friendAnswered', { ...pair, status: row.status, actor_id: me }, row.org_id)
  return outcome
}

export class FriendshipService
  extends KnexService<FriendshipView, FriendshipData, FriendshipParams, FriendshipPatch>
  implements ServiceInterface<FriendshipView, FriendshipData, FriendshipParams, FriendshipPatch>
{
  private caller(params: Params) {
    const user = requireUser(params)
    return { me: user.id as string, orgId: requireOrgId(params) }
  }

  // My friendships matching the query, as a table named like the service so the adapter can count and page
  // it. Sorted by the other person's username: a friends list reads alphabetically, and pages stay stable.
  private mine(params: FriendshipParams) {
    const { me, orgId } = this.caller(params)
    const { status, direction, user_id: peerId } = params.query ?? {}
    const rows = myFriendshipRows(this.Model, me, orgId).select(
      this.Model.raw(
        'lower(case when f.requester_id = ?::uuid then au.username else ru.username end) as peer_key',
        [me]
      )
    )
    if (status) rows.where('f.status', status)
    if (direction) rows.where(direction === 'outgoing' ? 'f.requester_id' : 'f.addressee_id', me)
    if (peerId) {
      rows.where((q) =>
        q
          .where({ 'f.requester_id': peerId, 'f.addressee_id': me })
          .orWhere({ 'f.requester_id': me, 'f.addressee_id': peerId })
      )
    }
    return this.Model.from(rows.as('friendships'))
      .select('friendships.*')
      .orderBy([{ column: 'friendships.peer_key' }, { column: 'friendships.id' }])
  }

  override async find(
    params?: FriendshipParams & { paginate?: PaginationOptions }
  ): Promise<Paginated<FriendshipView>>
  override async find(params?: FriendshipParams & { paginate: false }): Promise<FriendshipView[]>
  override async find(params?: FriendshipParams): Promise<Paginated<FriendshipView> | FriendshipView[]>
  override async find(params: FriendshipParams = {}): Promise<Paginated<FriendshipView> | FriendshipView[]> {
    return this._find({ ...params, knex: this.mine(params) })
  }

  override async get(id: Id, params: FriendshipParams = {}): Promise<FriendshipView> {
    return this.row(String(id), params)
  }

  // One of my rows, unresolved (the hooks' resolver makes it my view).
  private async row(id: string, params: FriendshipParams): Promise<FriendshipView> {
    const [row] = await this.mine({ ...params, query: {} }).where('friendships.id', id)
    if (!row) throw friendshipNotFound()
    return row
  }

  // The other user, by id or username, within my org. Requests go to active users only (like DMs); a block
  // may also target a suspended or banned user, so the block is in place if they come back.
  private async peer(orgId: string, me: string, data: FriendshipData): Promise<string> {
    if ((data.user_id === undefined) === (data.username === undefined)) {
      throw new BadRequest('Give either user_id or username', { code: 'validation_error' })
    }
    if (data.user_id === me) throw this.selfError(data)
    const query = this.Model('users').select('id', 'status').where({ org_id: orgId })
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

  override async create(data: FriendshipData, params?: FriendshipParams): Promise<FriendshipView>
  override async create(data: FriendshipData[], params?: FriendshipParams): Promise<FriendshipView[]>
  override async create(data: any, params: FriendshipParams = {}): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('One friendship at a time')
    const { me, orgId } = this.caller(params)
    const peer = await this.peer(orgId, me, data)
    const outcome: Outcome = await this.Model.transaction(async (trx) =>
      owe(trx, await (data.block ? block(trx, orgId, me, peer) : request(trx, orgId, me, peer)), me)
    )
    return mark(await this.row(outcome.id, params), outcome.event, outcome.replaced)
  }

  override async patch(id: Id, data: FriendshipPatch, params?: FriendshipParams): Promise<FriendshipView>
  override async patch(id: null, data: FriendshipPatch, params?: FriendshipParams): Promise<FriendshipView[]>
  override async patch(id: NullableId, data: FriendshipPatch, params: FriendshipParams = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Patch one friendship at a time')
    const { me, orgId } = this.caller(params)
    await this.Model.transaction(async (trx) =>
      owe(trx, await change(trx, await this.lockMine(trx, String(id), me, orgId), me, orgId, data.status), me)
    )
    return this.row(String(id), params)
  }

  // Answers with the shared row as it was removed, or as it stays when the other user still blocks (no
  // view: it may be gone).
  override async remove(id: Id, params?: FriendshipParams): Promise<any>
  override async remove(id: null, params?: FriendshipParams): Promise<any>
  override async remove(id: NullableId, params: FriendshipParams = {}): Promise<Friendship> {
    if (id === null) throw new MethodNotAllowed('Remove one friendship at a time')
    const { me, orgId } = this.caller(params)
    const result = await this.Model.transaction(async (trx) => {
      const row = await this.lockMine(trx, String(id), me, orgId)
      const before = await this.shared(trx, row.id)
      const outcome = await owe(trx, await end(trx, row, me), me, row)
      return outcome.event === 'removed' ? before : mark(await this.shared(trx, row.id), outcome.event)
    })
    return result
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

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'friendships'
})
