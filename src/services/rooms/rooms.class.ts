// Rooms: group rooms with an owner, and DMs that exist once per pair of users and org (a unique key decides
// races). Reads go through the Knex adapter over the caller's view; writes are transactions of their own.
import { BadRequest, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Paginated, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { randomToken } from '../../auth/tokens'
import { refusal } from '../../auth/room-policy'
import { notFound } from '../../errors'
import { joinChannels } from '../../realtime/membership'
import { enqueueTopic, outboxOf } from '../../outbox'
import { roomChannel } from '../../realtime/channel-names'
import { isBlockedBetween } from '../friendships/blocks'
import type { Room, RoomData, RoomPatch, RoomQuery } from './rooms.schema'
import { roomsOf } from './rooms.view'

export type { Room, RoomData, RoomPatch, RoomQuery }

export interface RoomParams extends KnexAdapterParams<RoomQuery> {}

export type RoomPage = Paginated<Room>

// Marks a DM that already existed, so no `created` event announces it again.
export const EXISTING = Symbol('existing-room')

export class RoomService
  extends KnexService<Room, RoomData, RoomParams, RoomPatch>
  implements ServiceInterface<Room, RoomData, RoomParams, RoomPatch>
{
  constructor(public app: Application) {
    super({
      Model: app.get('postgresqlClient'),
      name: 'rooms',
      paginate: { default: app.get('paginate')?.default ?? 25, max: 100 }
    } satisfies KnexAdapterOptions)
  }

  // The rooms I am in (of my org) as I see them, newest activity first; `updated_after` serves a
  // reconnecting client's catch-up (a room changed, got a message, or I joined it since).
  private mine(params: RoomParams) {
    const user = requireUser(params)
    const { kind, updated_after: since } = params.query ?? {}
    return roomsOf(this.Model, user.id, user.org_id!, (view) => {
      if (kind) view.where('r.kind', kind)
      if (since) {
        view.where((q) =>
          q
            .where('r.updated_at', '>', since)
            .orWhere('r.last_message_at', '>', since)
            .orWhere('rm.joined_at', '>', since)
        )
      }
    }).orderByRaw('coalesce(rooms.last_message_at, rooms.created_at) desc, rooms.id')
  }

  override async find(params?: RoomParams & { paginate?: PaginationOptions }): Promise<Paginated<Room>>
  override async find(params?: RoomParams & { paginate: false }): Promise<Room[]>
  override async find(params?: RoomParams): Promise<Paginated<Room> | Room[]>
  override async find(params: RoomParams = {}): Promise<Paginated<Room> | Room[]> {
    return this._find({ ...params, knex: this.mine(params) })
  }

  override async get(id: Id, params: RoomParams = {}): Promise<Room> {
    return this.one(id, params)
  }

  // One room of mine, for get and for what create and patch answer. Not this.get: service methods run their
  // hooks (and resolvers) even when called from within the class.
  private one(id: Id, params: RoomParams) {
    return this._get(id, { ...params, knex: this.mine({ ...params, query: {} }) })
  }

  override async create(data: RoomData, params?: RoomParams): Promise<Room>
  override async create(data: RoomData[], params?: RoomParams): Promise<Room[]>
  override async create(data: RoomData | RoomData[], params: RoomParams = {}): Promise<Room | Room[]> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Create one room at a time')
    const user = requireUser(params)
    const orgId = user.org_id!
    const { roomId, memberIds, existing } =
      data.kind === 'dm'
        ? await this.openDm(orgId, user.id, data.user_id)
        : await this.createGroup(orgId, user.id, data)
    if (data.kind !== 'dm' && (data.member_ids ?? []).some((id) => id !== user.id)) outboxOf(this.app).kick()
    if (!existing) for (const memberId of memberIds) joinChannels(this.app, memberId, [roomChannel(roomId)])
    const room = await this.one(roomId, params)
    if (existing) Object.defineProperty(room, EXISTING, { value: true })
    return room
  }

  private async activeOrgUsers(trx: Knex, orgId: string, ids: string[]) {
    const rows = await trx('users').select('id').whereIn('id', ids).where({ org_id: orgId, status: 'active' })
    return rows.map((row) => row.id as string)
  }

  private async createGroup(orgId: string, ownerId: string, data: Extract<RoomData, { name: string }>) {
    const others = (data.member_ids ?? []).filter((id) => id !== ownerId)
    return this.Model.transaction(async (trx) => {
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
      // The people put into the room are told (room_invite notifications) after the commit.
      if (others.length > 0)
        await enqueueTopic(
          trx,
          'roomCreated',
          { room_id: room.id, actor_id: ownerId, user_ids: others },
          orgId
        )
      return { roomId: room.id as string, memberIds: [ownerId, ...others], existing: false }
    })
  }

  // Both users asking at the same moment: the unique (org_id, dm_key) lets one insert win; the other finds
  // the room. Each org has its own DM of a pair: people who both moved to another org get a new one there.
  private async openDm(orgId: string, userId: string, peerId: string) {
    if (peerId === userId) throw new BadRequest('A DM needs another user', { code: 'dm_self' })
    return this.Model.transaction(async (trx) => {
      if ((await this.activeOrgUsers(trx, orgId, [peerId])).length !== 1) throw notFound('User not found')
      // The room policy says what a block between the two does to opening their DM (it refuses it).
      const blocked = await isBlockedBetween(trx, userId, peerId)
      const denied = refusal('open_dm', { role: null, kind: 'dm', archived: false, blocked })
      if (denied) throw denied
      const dmKey = [userId, peerId].sort().join(':')
      const inserted = await trx.raw(
        `insert into rooms (org_id, kind, created_by, dm_key, member_count) values (?, 'dm', ?, ?, 2)
         on conflict (org_id, dm_key) do nothing returning id`,
        [orgId, userId, dmKey]
      )
      if (inserted.rows.length === 0) {
        // Lock the DM so two simultaneous re-openings re-admit each person once.
        const room = await trx('rooms')
          .select('id', 'last_seq')
          .where({ org_id: orgId, dm_key: dmKey })
          .forUpdate()
          .first()
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

  // authorizeRoom(roomPatchActions) has checked each change (rename, archive, unarchive, rotate) against the
  // room policy before this runs.
  override async patch(id: Id, data: RoomPatch, params?: RoomParams): Promise<Room>
  override async patch(id: null, data: RoomPatch, params?: RoomParams): Promise<Room[]>
  override async patch(id: NullableId, data: RoomPatch, params: RoomParams = {}): Promise<Room | Room[]> {
    if (id === null) throw new MethodNotAllowed('Patch one room at a time')
    const db = this.Model
    const changes: Record<string, unknown> = { updated_at: db.fn.now() }
    if (data.name !== undefined) changes.name = data.name
    if (data.topic !== undefined) changes.topic = data.topic
    // Archiving an archived room again keeps the time it was first archived.
    if (data.archived !== undefined) {
      changes.archived_at = data.archived ? db.raw('coalesce(archived_at, now())') : null
    }
    if (data.rotate_join_code) changes.join_code = randomToken(12)
    await db('rooms').where({ id }).update(changes)
    return this.one(id, params)
  }
}
