// Invites: ADMINs and MANAGERs invite an email address into their org with a role; remove revokes.
// The token is random, stored only as its sha256, and shown once in the create response.
import { Conflict, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { recordAudit } from '../../audit'
import { requireOrgId } from '../../auth/principal'
import { randomToken, sha256 } from '../../auth/tokens'
import type { Invite, InviteData, InviteQuery } from './invites.schema'

export type { Invite, InviteData, InviteQuery }

export interface InviteParams extends KnexAdapterParams<InviteQuery> {}

const DAY_MS = 24 * 60 * 60 * 1000

export class InviteService<ServiceParams extends Params = InviteParams>
  extends KnexService<Invite, InviteData, InviteParams>
  implements ServiceInterface<Invite, InviteData, InviteParams>
{
  app!: Application

  override async create(data: any, params?: InviteParams): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Create one invite at a time')
    const orgId = requireOrgId(params ?? {})
    const token = randomToken(32)
    const expiresAt = new Date(Date.now() + this.app.get('invites').ttlDays * DAY_MS)
    const row = await this.Model.transaction(async (trx) => {
      const member = await trx('users')
        .select('id')
        .where({ org_id: orgId })
        .whereRaw('lower(email) = ?', [data.email.toLowerCase()])
        .first()
      if (member)
        throw new Conflict('That email already belongs to a member of this organization', {
          code: 'already_member'
        })
      const [inserted] = await trx('invites')
        .insert({
          org_id: orgId,
          email: data.email,
          role: data.role,
          token_hash: sha256(token),
          invited_by: params?.user?.id ?? null,
          expires_at: expiresAt
        })
        .returning('*')
      await recordAudit(trx, {
        org_id: orgId,
        actor_id: params?.user?.id ?? null,
        action: 'invite.created',
        target: inserted.id,
        meta: {
          email: inserted.email,
          role: inserted.role,
          ...(params?.apiKey ? { api_key_id: params.apiKey.id } : {})
        },
        ip: params?.ip
      })
      return inserted
    })
    return { ...row, token }
  }

  // Revoking keeps the row (and its audit trail); a revoked invite can no longer be redeemed.
  override async remove(id: NullableId, params?: InviteParams): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Revoke one invite at a time')
    return this.Model.transaction(async (trx) => {
      // Looked up within the caller's query (org-scoped for external calls): other orgs' ids answer 404.
      await this._get(id as Id, { ...params, transaction: { trx } } as any)
      const current = await trx('invites').where({ id }).forUpdate().first()
      if (current.revoked_at) return current
      if (current.accepted_at) {
        throw new Conflict('This invite was already accepted; remove the member instead', {
          code: 'invite_used'
        })
      }
      const [row] = await trx('invites').where({ id }).update({ revoked_at: trx.fn.now() }).returning('*')
      await recordAudit(trx, {
        org_id: row.org_id,
        actor_id: params?.user?.id ?? null,
        action: 'invite.revoked',
        target: row.id,
        meta: {
          email: row.email,
          role: row.role,
          ...(params?.apiKey ? { api_key_id: params.apiKey.id } : {})
        },
        ip: params?.ip
      })
      return row
    })
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'invites'
})
