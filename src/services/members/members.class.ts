// Members: owners/admins add and kick, members leave, roles change; a room never loses its last owner.
// Who may do which is the room policy's (authorizeRoom in members.ts); this class reads through the Knex
// adapter over "members of rooms I am in" and does the changes under the locks they need.
import { Conflict, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Paginated, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import { joinChannels, leaveChannels } from '../../realtime/membership'
import { enqueueTopic, outboxOf } from '../../outbox'
import { roomChannel } from '../../realtime/channel-names'
import type { RoomAccess } from './membership'
import type { Member, MemberData, MemberPatch, MemberQuery } from './members.schema'

export type { Member, MemberData, MemberPatch, MemberQuery }
export interface MemberParams extends KnexAdapterParams<MemberQuery> {}

const memberNotFound = () => notFound('Member not found')

// What authorizeRoom left on params; calls that skip the hook (internal ones) have nothing to act on.
const accessOf = (params: MemberParams): RoomAccess => {
  if (!params.roomAccess) throw memberNotFound()
  return params.roomAccess
}

export class MemberService
  extends KnexService<Member, MemberData, MemberParams, MemberPatch>
  implements ServiceInterface<Member, MemberData, MemberParams, MemberPatch>
{
  constructor(public app: Application) {
    super({
      Model: app.get('postgresqlClient'),
      name: 'room_members',
      paginate: { default: 100, max: 1000 }
    } satisfies KnexAdapterOptions)
  }

  // Members of the rooms I am in (of my org), with their public names, in join order.
  private visible(params: MemberParams) {
    const user = requireUser(params)
    const db = this.Model
    const view = db('room_members')
      .join('users as u', 'u.id', 'room_members.user_id')
      .select('room_members.*', 'u.username', 'u.name', 'u.kind as user_kind')
      .whereIn(
        'room_members.room_id',
        db('room_members as mine')
          .select('mine.room_id')
          .where({ 'mine.user_id': user.id, 'mine.org_id': user.org_id })
      )
      .orderBy([{ column: 'room_members.joined_at' }, { column: 'room_members.id' }])
    const { room_id: roomId, user_id: userId } = params.query ?? ({} as Partial<MemberQuery>)
    if (roomId) view.where('room_members.room_id', roomId)
    if (userId) view.where('room_members.user_id', userId)
    return view
  }

  override async find(params?: MemberParams & { paginate?: PaginationOptions }): Promise<Paginated<Member>>
  override async find(params?: MemberParams & { paginate: false }): Promise<Member[]>
  override async find(params?: MemberParams): Promise<Paginated<Member> | Member[]>
  override async find(params: MemberParams = {}): Promise<Paginated<Member> | Member[]> {
    return this._find({ ...params, knex: this.visible(params) })
  }

  override async get(id: Id, params: MemberParams = {}): Promise<Member> {
    return this.one(id, params)
  }

  // One member row I may see, for get and for what the writes answer. Not this.get: service methods run
  // their hooks (and resolvers) even when called from within the class.
  private one(id: Id, params: MemberParams) {
    return this._get(id, { ...params, knex: this.visible({ ...params, query: {} as MemberQuery }) })
  }

  override async create(data: MemberData, params?: MemberParams): Promise<Member>
  override async create(data: MemberData[], params?: MemberParams): Promise<Member[]>
  override async create(
    data: MemberData | MemberData[],
    params: MemberParams = {}
  ): Promise<Member | Member[]> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Add one member at a time')
    const me = requireUser(params)
    const { room } = accessOf(params)
    const db = this.Model
    let userId = me.id
    if (!('join_code' in data)) {
      const user = await db('users').where({ id: data.user_id, org_id: me.org_id, status: 'active' }).first()
      if (!user) throw notFound('User not found')
      userId = data.user_id
    }
    const id = await db.transaction(async (trx) => {
      const inserted = await trx.raw(
        // A newcomer starts caught up, as in Slack: the history before they joined is not unread for them.
        `insert into room_members (room_id, user_id, org_id, role, last_read_seq, delivered_seq)
         select ?, ?, ?, 'member', r.last_seq, r.last_seq from rooms r where r.id = ?
         on conflict (room_id, user_id) do nothing returning id`,
        [room.id, userId, me.org_id, room.id]
      )
      if (inserted.rows.length === 0)
        throw new Conflict('Already a member of this room', { code: 'already_member' })
      await trx('rooms').where({ id: room.id }).increment('member_count', 1)
      // Someone added by another member is told (a room_invite notification) after the commit.
      if (userId !== me.id)
        await enqueueTopic(
          trx,
          'memberAdded',
          { room_id: room.id, user_id: userId, actor_id: me.id },
          me.org_id
        )
      return inserted.rows[0].id as string
    })
    if (userId !== me.id) outboxOf(this.app).kick()
    // Their live connections join the room channel before the `created` event goes out.
    joinChannels(this.app, userId, [roomChannel(room.id)])
    return this.one(id, params)
  }

  override async patch(id: Id, data: MemberPatch, params?: MemberParams): Promise<Member>
  override async patch(id: null, data: MemberPatch, params?: MemberParams): Promise<Member[]>
  override async patch(
    id: NullableId,
    data: MemberPatch,
    params: MemberParams = {}
  ): Promise<Member | Member[]> {
    if (id === null) throw new MethodNotAllowed('Patch one member at a time')
    const { room, target } = accessOf(params)
    await this.Model.transaction(async (trx) => {
      if (data.role !== undefined && data.role !== target?.role && target?.role === 'owner') {
        await this.guardLastOwner(trx, room.id, false)
      }
      // returning() rather than the affected-row count: PGlite's knex driver returns no count.
      const updated = await trx('room_members')
        .where({ id })
        .update({ ...data, updated_at: trx.fn.now() })
        .returning('id')
      // Removed meanwhile (a concurrent kick or leave): a 404, not a crash on the missing row.
      if (updated.length === 0) throw memberNotFound()
    })
    return this.one(id, params)
  }

  override async remove(id: Id, params?: MemberParams): Promise<Member>
  override async remove(id: null, params?: MemberParams): Promise<Member[]>
  override async remove(id: NullableId, params: MemberParams = {}): Promise<Member | Member[]> {
    if (id === null) throw new MethodNotAllowed('Remove one member at a time')
    accessOf(params)
    const target = await this.one(id, params)
    await this.Model.transaction(async (trx) => {
      // The room row first, then member rows: the order a send takes them in (the room for its seq, then the
      // sender's pointer). Taking them the other way round deadlocks with a send of the member being removed.
      await trx('rooms').where({ id: target.room_id }).decrement('member_count', 1)
      if (target.role === 'owner') await this.guardLastOwner(trx, target.room_id, true)
      // Two removes of the same row at once both pass the checks above; only the one that deletes it may
      // count the room down (and announce it), or member_count drifts below the real number of members.
      if ((await trx('room_members').where({ id }).del().returning('id')).length === 0) throw memberNotFound()
    })
    // Stop the room's events reaching them at once, on every process; the `removed` event reaches them
    // through their user channel.
    leaveChannels(this.app, target.user_id, [roomChannel(target.room_id)])
    return target
  }

  // The last owner must hand over first. Leaving is fine when nobody else is left in the room; stepping
  // down never is (a room whose only member is no owner could never be managed again).
  private async guardLastOwner(trx: Knex.Transaction, roomId: string, leaving: boolean) {
    const rows = await trx('room_members').select('role').where({ room_id: roomId }).forUpdate()
    const owners = rows.filter((row) => row.role === 'owner').length
    if (owners <= 1 && (rows.length > 1 || !leaving)) {
      throw new Conflict('The last owner must make someone else owner first', { code: 'last_owner' })
    }
  }
}
