// Organizations: a user without one creates it and becomes its ADMIN in the same transaction.
import { Conflict, Forbidden, MethodNotAllowed } from '@feathersjs/errors'
import type { Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { recordAudit } from '../../audit'
import { randomToken } from '../../auth/tokens'
import { joinOrg } from '../../realtime/membership'
import type { Org, OrgData, OrgPatch, OrgQuery } from './orgs.schema'
import { checkSearchLanguage, checkUploadLimits, setSearchLanguage } from './org-settings'

export type { Org, OrgData, OrgPatch, OrgQuery }

export interface OrgParams extends KnexAdapterParams<OrgQuery> {}

const slugify = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '') || 'org'

export class OrgService<ServiceParams extends Params = OrgParams>
  extends KnexService<Org, OrgData, OrgParams, OrgPatch>
  implements ServiceInterface<Org, OrgData, OrgParams, OrgPatch>
{
  app!: Application

  override async create(data: any, params?: OrgParams): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Create one organization at a time')
    const user = params?.user
    if (!user)
      throw new Forbidden('Only a signed-in user can create an organization', { code: 'user_required' })
    const org = await this.Model.transaction(async (trx) => {
      // Lock the creator's row so two simultaneous creates by one user cannot both succeed.
      const me = await trx('users').select('org_id').where({ id: user.id }).forUpdate().first()
      if (me?.org_id)
        throw new Conflict('You are already a member of an organization', { code: 'already_in_org' })
      let slug: string = data.slug ?? slugify(data.name)
      if (!data.slug && (await trx('orgs').where({ slug }).first()))
        slug = `${slug}-${randomToken(4)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')}`
      const exists = await trx('orgs').where({ slug }).first()
      if (exists) throw new Conflict('That slug is taken', { code: 'slug_taken' })
      const [row] = await trx('orgs').insert({ name: data.name, slug }).returning('*')
      await trx('users')
        .where({ id: user.id })
        .update({ org_id: row.id, role: 'ADMIN', updated_at: trx.fn.now() })
      await recordAudit(trx, {
        org_id: row.id,
        actor_id: user.id,
        action: 'org.created',
        target: row.id,
        ip: params?.ip
      })
      return row
    })
    joinOrg(this.app, user.id, org.id)
    return org
  }

  override async patch(id: any, data: any, params?: OrgParams): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Patch one organization at a time')
    const { search_language: language, upload_limits: limits, ...columns } = data
    if (limits !== undefined) checkUploadLimits(this.app, limits)
    if (language !== undefined) await checkSearchLanguage(this.Model, language)
    return this.Model.transaction(async (trx) => {
      const before = (await this._get(id, { ...params, transaction: { trx } } as any)) as Org
      if (limits !== undefined) columns.upload_limits = JSON.stringify(limits)
      const [row] = await trx('orgs').where({ id }).update(columns).returning('*')
      // After the orgs row (lock order); the trigger re-indexes the org's messages in this transaction.
      if (language !== undefined) await setSearchLanguage(trx, row.id, language)
      await recordAudit(trx, {
        org_id: row.id,
        actor_id: params?.user?.id ?? null,
        action: 'org.updated',
        target: row.id,
        meta: { from: { name: before.name, retention_days: before.retention_days }, to: data },
        ip: params?.ip
      })
      return row
    })
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'orgs'
})
