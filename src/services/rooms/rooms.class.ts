// Rooms: group rooms with an owner, and DMs that exist once per pair of users (a unique key decides races).
import { BadRequest, Forbidden, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { randomToken } from '../../auth/tokens'
import { joinChannels } from '../../realtime/membership'
import { roomChannel } from '../../realtime/channel-names'
import { isRoomManager, requireMembership, roomNotFound } from '../members/membership'
import { assertNotBlocked } from '../friendships/blocks'
import type { Room, RoomData, RoomPatch, RoomQuery } from './rooms.schema'
import { roomViewQuery, toRoom } from './rooms.view'

export type { Room, RoomData, RoomPatch, RoomQuery }

export interface RoomParams extends Params<RoomQuery> {}

export interface RoomPage {
  total: number
  limit: number
  skip: number
  data: Room[]
}

// Marks a DM that already existed, so no `created` event announces it again.
export const EXISTING = Symbol('existing-room')

export class RoomService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: RoomParams): Promise<RoomPage> {
    const user = requireUser(params)
    const { $limit, $skip = 0, kind, updated_after: since } = params.query ?? {}
    const limit = Math.min($limit ?? this.app.get('paginate')?.default ?? 25, 100)
    const base = roomViewQuery(this.db, user.id, user.org_id!)
    if (kind) base.where('r.kind', kind)
    if (since) {
      base.where((q) =>
        q
          .where('r.updated_at', '>', since)
          .orWhere('r.last_message_at', '>', since)
          .orWhere('rm.joined_at', '>', since)
      )
    }
    const counted = await base.clone().clearSelect().clearOrder().count({ count: '*' })
    const count = counted[0]?.count ?? 0
    const rows = await base
      .orderByRaw('coalesce(r.last_message_at, r.created_at) desc, r.id')
      .limit(limit)
      .offset($skip)
    return { total: Number(count), limit, skip: $skip, data: rows.map((row) => toRoom(row, user.id)) }
  }

  async get(id: Id, params: RoomParams): Promise<Room> {
    const user = requireUser(params)
    const row = await roomViewQuery(this.db, user.id, user.org_id!).where('r.id', id).first()
    if (!row) throw roomNotFound()
    return toRoom(row, user.id)
  }

  async create(data: RoomData, params: RoomParams): Promise<Room> {
    const user = requireUser(params)
    const orgId = user.org_id!
    const { roomId, memberIds, existing } =
      data.kind === 'dm'
        ? await this.openDm(orgId, user.id, data.user_id)
        : await this.createGroup(orgId, user.id, data)
    if (!existing) for (const memberId of memberIds) joinChannels(this.app, memberId, [roomChannel(roomId)])
    const room = await this.get(roomId, params)
    if (existing) Object.defineProperty(room, EXISTING, { value: true })
    return room
  }

  private async activeOrgUsers(trx: Knex, orgId: string, ids: string[]) {
    const rows = await trx('users').select('id').whereIn('id', ids).where({ org_id: orgId, status: 'active' })
    return rows.map((row) => row.id as string)
  }

  private async createGroup(orgId: string, ownerId: string, data: Extract<RoomData, { name: string }>) {
    const others = (data.member_ids ?? []).filter((id) => id !== ownerId)
    return this.db.transaction(async (trx) => {
      const found = await this.activeOrgUsers(trx, orgId, others)
      if (found.length !== others.length) {
        throw new BadRequest('Some member_ids are not active users of your organization', {
          code: 'invalid_member'
        })
      }
      const [room] = await trx('rooms')
        .insert({
          org_id: orgId,
          kind: 'group',
          name: data.name,
          topic: data.topic ?? null,
          created_by: ownerId,
          join_code: randomToken(12),
          member_count: others.length + 1
        })
        .returning('id')
      const members = [ownerId, ...others].map((userId) => ({
        room_id: room.id,
        user_id: userId,
        org_id: orgId,
        role: userId === ownerId ? 'owner' : 'member'
      }))
      for (let i = 0; i < members.length; i += 500)
        await trx('room_members').insert(members.slice(i, i + 500))
      return { roomId: room.id as string, memberIds: [ownerId, ...others], existing: false }
    })
  }

  // Both users asking at the same moment: the unique dm_key lets one insert win; the other finds its room.
  private async openDm(orgId: string, userId: string, peerId: string) {
    if (peerId === userId) throw new BadRequest('A DM needs another user', { code: 'dm_self' })
    return this.db.transaction(async (trx) => {
      if ((await this.activeOrgUsers(trx, orgId, [peerId])).length !== 1) {
        throw new NotFound('User not found', { code: 'not_found' })
      }
      // A block by either user stops a new DM between them.
      await assertNotBlocked(trx, userId, peerId)
      const dmKey = [userId, peerId].sort().join(':')
      const inserted = await trx.raw(
        `insert into rooms (org_id, kind, created_by, dm_key, member_count) values (?, 'dm', ?, ?, 2)
         on conflict (dm_key) do nothing returning id`,
        [orgId, userId, dmKey]
      )
      if (inserted.rows.length === 0) {
        // Lock the DM so two simultaneous re-openings re-admit each person once.
        const room = await trx('rooms')
          .select('id', 'org_id', 'last_seq')
          .where({ dm_key: dmKey })
          .forUpdate()
          .first()
        if (room.org_id !== orgId) throw new NotFound('User not found', { code: 'not_found' })
        // Someone who left the org (which takes them out of its rooms) and came back gets the DM again,
        // starting caught up: a DM between two current members of the org always opens.
        const present = await trx('room_members').select('user_id').where({ room_id: room.id })
        const missing = [userId, peerId].filter((id) => !present.some((row) => row.user_id === id))
        if (missing.length === 0)
          return { roomId: room.id as string, memberIds: [userId, peerId], existing: true }
        await trx('room_members').insert(
          missing.map((id) => ({
            room_id: room.id,
            user_id: id,
            org_id: orgId,
            role: 'member',
            last_read_seq: room.last_seq,
            delivered_seq: room.last_seq
          }))
        )
        await trx('rooms').where({ id: room.id }).increment('member_count', missing.length)
        return { roomId: room.id as string, memberIds: missing, existing: false }
      }
      const roomId = inserted.rows[0].id as string
      await trx('room_members').insert(
        [userId, peerId].map((id) => ({ room_id: roomId, user_id: id, org_id: orgId, role: 'member' }))
      )
      return { roomId, memberIds: [userId, peerId], existing: false }
    })
  }

  async patch(id: Id | null, data: RoomPatch, params: RoomParams): Promise<Room> {
    if (id === null) throw new MethodNotAllowed('Patch one room at a time')
    const membership = await requireMembership(this.db, params, id)
    if (membership.room_kind === 'dm')
      throw new Forbidden('Direct messages cannot be renamed or archived', { code: 'dm_immutable' })
    // Only the room's owners and admins shape the room; org roles do not reach into rooms they are not in.
    if (!isRoomManager(membership))
      throw new Forbidden('Only room owners and admins can do this', { code: 'room_role_required' })
    const changes: Record<string, unknown> = { updated_at: this.db.fn.now() }
    if (data.name !== undefined) changes.name = data.name
    if (data.topic !== undefined) changes.topic = data.topic
    // Archiving an archived room again keeps the time it was first archived.
    if (data.archived !== undefined) {
      changes.archived_at = data.archived ? this.db.raw('coalesce(archived_at, now())') : null
    }
    if (data.rotate_join_code) changes.join_code = randomToken(12)
    await this.db('rooms').where({ id }).update(changes)
    return this.get(id, params)
  }
}
