// Members: owners/admins add and kick, members leave, roles change; a room never loses its last owner.
import { Conflict, Forbidden, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { joinChannels, leaveChannels } from '../../realtime/membership'
import { roomChannel } from '../../realtime/channel-names'
import { isRoomManager, requireMembership } from './membership'
import type { Member, MemberData, MemberPatch, MemberQuery } from './members.schema'

export type { Member, MemberData, MemberPatch, MemberQuery }
export interface MemberParams extends Params<MemberQuery> {}

const notFound = () => new NotFound('Member not found', { code: 'not_found' })

const memberView = (db: Knex) =>
  db('room_members as rm').join('users as u', 'u.id', 'rm.user_id').select('rm.*', 'u.username', 'u.name')

const toMember = (row: any): Member => ({
  ...row,
  last_read_seq: Number(row.last_read_seq),
  delivered_seq: Number(row.delivered_seq)
})

export class MemberService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: MemberParams) {
    const { room_id: roomId, user_id: userId, $limit, $skip = 0 } = params.query ?? ({} as MemberQuery)
    await requireMembership(this.db, params, roomId)
    const limit = Math.min($limit ?? 100, 1000)
    const base = memberView(this.db).where('rm.room_id', roomId)
    if (userId) base.where('rm.user_id', userId)
    const counted = await base.clone().clearSelect().count({ count: '*' })
    const rows = await base
      .orderBy([{ column: 'rm.joined_at' }, { column: 'rm.id' }])
      .limit(limit)
      .offset($skip)
    return { total: Number(counted[0]?.count ?? 0), limit, skip: $skip, data: rows.map(toMember) }
  }

  // A member row is visible only to members of the same room.
  private async visible(id: Id, params: Params) {
    const row = await memberView(this.db).where('rm.id', id).first()
    if (!row) throw notFound()
    const mine = await requireMembership(this.db, params, row.room_id).catch(() => {
      throw notFound()
    })
    return { target: row, mine }
  }

  async get(id: Id, params: MemberParams): Promise<Member> {
    return toMember((await this.visible(id, params)).target)
  }

  async create(data: MemberData, params: MemberParams): Promise<Member> {
    const me = requireUser(params)
    let roomId: string
    let userId: string
    if ('join_code' in data) {
      const room = await this.db('rooms')
        .where({ join_code: data.join_code, org_id: me.org_id, kind: 'group' })
        .first()
      if (!room) throw new NotFound('No room has that join code', { code: 'join_code_invalid' })
      if (room.archived_at) throw new Forbidden('This room is archived', { code: 'room_archived' })
      roomId = room.id
      userId = me.id
    } else {
      const mine = await requireMembership(this.db, params, data.room_id)
      if (mine.room_kind === 'dm')
        throw new Forbidden('Direct messages have exactly two members', { code: 'dm_immutable' })
      if (!isRoomManager(mine))
        throw new Forbidden('Only room owners and admins can add members', { code: 'room_role_required' })
      if (mine.room_archived_at) throw new Forbidden('This room is archived', { code: 'room_archived' })
      const user = await this.db('users')
        .where({ id: data.user_id, org_id: me.org_id, status: 'active' })
        .first()
      if (!user) throw new NotFound('User not found', { code: 'not_found' })
      roomId = data.room_id
      userId = data.user_id
    }
    const id = await this.db.transaction(async (trx) => {
      const inserted = await trx.raw(
        // A newcomer starts caught up, as in Slack: the history before they joined is not unread for them.
        `insert into room_members (room_id, user_id, org_id, role, last_read_seq, delivered_seq)
         select ?, ?, ?, 'member', r.last_seq, r.last_seq from rooms r where r.id = ?
         on conflict (room_id, user_id) do nothing returning id`,
        [roomId, userId, me.org_id, roomId]
      )
      if (inserted.rows.length === 0)
        throw new Conflict('Already a member of this room', { code: 'already_member' })
      await trx('rooms').where({ id: roomId }).increment('member_count', 1)
      return inserted.rows[0].id as string
    })
    // Their live connections join the room channel before the `created` event goes out.
    joinChannels(this.app, userId, [roomChannel(roomId)])
    return toMember(await memberView(this.db).where('rm.id', id).first())
  }

  async patch(id: NullableId, data: MemberPatch, params: MemberParams): Promise<Member> {
    if (id === null) throw new MethodNotAllowed('Patch one member at a time')
    const { target, mine } = await this.visible(id, params)
    if (data.muted !== undefined && target.user_id !== mine.user_id) {
      throw new Forbidden('Only the member can mute a room for themselves', { code: 'not_owner' })
    }
    // Any role in the body is a role change request, even an unchanged one: otherwise plain members could
    // patch (and announce) other people's rows by repeating their current role.
    if (data.role !== undefined) {
      if (mine.room_kind === 'dm') {
        throw new Forbidden('Direct messages have no roles', { code: 'dm_immutable' })
      }
      if (!isRoomManager(mine)) {
        throw new Forbidden('Only room owners and admins can change roles', { code: 'room_role_required' })
      }
      // Making or unmaking owners is for owners only; admins manage admins and members.
      if ((data.role === 'owner' || target.role === 'owner') && mine.role !== 'owner') {
        throw new Forbidden('Only an owner can grant or take ownership', { code: 'owner_required' })
      }
    }
    await this.db.transaction(async (trx) => {
      if (data.role !== undefined && data.role !== target.role && target.role === 'owner') {
        await this.guardLastOwner(trx, target.room_id, false)
      }
      // returning() rather than the affected-row count: PGlite's knex driver returns no count.
      const updated = await trx('room_members')
        .where({ id })
        .update({ ...data, updated_at: trx.fn.now() })
        .returning('id')
      // Removed meanwhile (a concurrent kick or leave): a 404, not a crash on the missing row.
      if (updated.length === 0) throw notFound()
    })
    const row = await memberView(this.db).where('rm.id', id).first()
    if (!row) throw notFound()
    return toMember(row)
  }

  async remove(id: NullableId, params: MemberParams): Promise<Member> {
    if (id === null) throw new MethodNotAllowed('Remove one member at a time')
    const { target, mine } = await this.visible(id, params)
    if (mine.room_kind === 'dm')
      throw new Forbidden('You cannot leave or kick from a direct message', { code: 'dm_immutable' })
    const leaving = target.user_id === mine.user_id
    if (!leaving) {
      if (!isRoomManager(mine))
        throw new Forbidden('Only room owners and admins can remove members', { code: 'room_role_required' })
      if (target.role === 'owner' && mine.role !== 'owner') {
        throw new Forbidden('Only an owner can remove an owner', { code: 'owner_required' })
      }
    }
    await this.db.transaction(async (trx) => {
      // The room row first, then member rows: the order a send takes them in (the room for its seq, then the
      // sender's pointer). Taking them the other way round deadlocks with a send of the member being removed.
      await trx('rooms').where({ id: target.room_id }).decrement('member_count', 1)
      if (target.role === 'owner') await this.guardLastOwner(trx, target.room_id, true)
      // Two removes of the same row at once both pass the checks above; only the one that deletes it may
      // count the room down (and announce it), or member_count drifts below the real number of members.
      if ((await trx('room_members').where({ id }).del().returning('id')).length === 0) throw notFound()
    })
    // Stop the room's events reaching them at once, on every process; the `removed` event reaches them
    // through their user channel.
    leaveChannels(this.app, target.user_id, [roomChannel(target.room_id)])
    return toMember(target)
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
