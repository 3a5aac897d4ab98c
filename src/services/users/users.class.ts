// Users: registration (optionally through an invite), profile edits, and ADMIN role/status changes and removal
// from the org, each guarding the org's last active ADMIN inside one transaction.
import { Conflict, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { recordAudit } from '../../audit'
import { disconnectUser, joinOrg, leaveChannels, leaveOrg } from '../../realtime/membership'
import { roomChannel } from '../../realtime/channel-names'
import { redeemInvite } from '../invites/invites.redeem'
import { revokeUserSessions } from '../../auth/sessions'
import type { User, UserData, UserPatch, UserQuery } from './users.schema'

export type { User, UserData, UserPatch, UserQuery }

export interface UserParams extends KnexAdapterParams<UserQuery> {}

// Demoting, suspending or removing the last active ADMIN would leave the org unmanageable.
const guardLastAdmin = async (trx: Knex.Transaction, target: User) => {
  if (target.role !== 'ADMIN' || target.status !== 'active' || !target.org_id) return
  const admins = await trx('users')
    .select('id')
    .where({ org_id: target.org_id, role: 'ADMIN', status: 'active' })
    .forUpdate()
  if (admins.length <= 1) {
    throw new Conflict('The last ADMIN of an organization cannot be demoted or removed', {
      code: 'last_admin'
    })
  }
}

export class UserService<ServiceParams extends Params = UserParams>
  extends KnexService<User, UserData, UserParams, UserPatch>
  implements ServiceInterface<User, UserData, UserParams, UserPatch>
{
  app!: Application

  override async create(data: any, params?: UserParams): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Register one user at a time')
    const { invite_token: inviteToken, ...fields } = data
    const user = await this.Model.transaction(async (trx) => {
      const [row] = await trx('users').insert(fields).returning('*')
      if (!inviteToken) return row
      return (await redeemInvite(trx, inviteToken, row, params?.ip)).user
    })
    if (user.org_id) joinOrg(this.app, user.id, user.org_id)
    return user
  }

  override async patch(id: NullableId, data: any, params?: UserParams): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Patch one user at a time')
    const actor = params?.user
    const result = await this.Model.transaction(async (trx) => {
      const current = (await this._get(id, { ...params, transaction: { trx } } as any)) as User
      const demoted = data.role !== undefined && data.role !== 'ADMIN'
      const deactivated = data.status !== undefined && data.status !== 'active'
      if (demoted || deactivated) await guardLastAdmin(trx, current)
      const [row] = await trx('users').where({ id }).update(data).returning('*')
      for (const field of ['role', 'status'] as const) {
        if (data[field] !== undefined && data[field] !== current[field]) {
          await recordAudit(trx, {
            org_id: current.org_id,
            actor_id: actor?.id ?? null,
            action: `user.${field}_changed`,
            target: current.id,
            meta: { from: current[field], to: data[field] },
            ip: params?.ip
          })
        }
      }
      return row
    })
    if (data.status && data.status !== 'active') {
      await revokeUserSessions(this.Model, result.id, data.status)
      disconnectUser(this.app, result.id)
    }
    return result
  }

  // Removing a user takes them out of the org; the account itself stays.
  override async remove(id: NullableId, params?: UserParams): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Remove one user at a time')
    const actor = params?.user
    const { row, orgId, roomIds } = await this.Model.transaction(async (trx) => {
      const current = (await this._get(id as Id, { ...params, transaction: { trx } } as any)) as User
      await guardLastAdmin(trx, current)
      // Leaving the org means leaving its rooms too; their messages stay.
      const rooms = await trx('room_members')
        .where({ user_id: current.id, org_id: current.org_id })
        .del()
        .returning('room_id')
      for (const { room_id: roomId } of rooms)
        await trx('rooms').where({ id: roomId }).decrement('member_count', 1)
      const [updated] = await trx('users')
        .where({ id })
        .update({ org_id: null, role: 'MEMBER', updated_at: trx.fn.now() })
        .returning('*')
      await recordAudit(trx, {
        org_id: current.org_id,
        actor_id: actor?.id ?? null,
        action: actor?.id === current.id ? 'org.member_left' : 'org.member_removed',
        target: current.id,
        ip: params?.ip
      })
      return { row: updated, orgId: current.org_id!, roomIds: rooms.map((r: any) => r.room_id as string) }
    })
    leaveOrg(this.app, row.id, orgId)
    leaveChannels(this.app, row.id, roomIds.map(roomChannel))
    return row
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'users'
})
