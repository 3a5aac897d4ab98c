// Dev mailbox: without SMTP, emails are stored instead of sent, and each user reads only their own (newest first).
import type { Id, Paginated, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import type { DevMail, DevMailPage, DevMailQuery } from './dev-mailbox.schema'

export type { DevMail, DevMailPage, DevMailQuery }
export interface DevMailParams extends KnexAdapterParams<DevMailQuery> {}

export class DevMailboxService
  extends KnexService<DevMail, never, DevMailParams>
  implements ServiceInterface<DevMail, never, DevMailParams>
{
  // My mail, newest first; rows are shaped by devMailResolver.
  private mine(params: DevMailParams) {
    const user = requireUser(params)
    return this.createQuery({
      ...params,
      query: { ...params.query, $sort: { created_at: -1, id: -1 } }
    } as DevMailParams).where('dev_mailbox.user_id', user.id)
  }

  override async find(params?: DevMailParams & { paginate?: PaginationOptions }): Promise<Paginated<DevMail>>
  override async find(params?: DevMailParams & { paginate: false }): Promise<DevMail[]>
  override async find(params?: DevMailParams): Promise<Paginated<DevMail> | DevMail[]>
  override async find(params: DevMailParams = {}): Promise<Paginated<DevMail> | DevMail[]> {
    return this._find({ ...params, knex: this.mine(params) })
  }

  override async get(id: Id, params: DevMailParams = {}): Promise<DevMail> {
    const [row] = await this.mine({ ...params, query: {} }).where('dev_mailbox.id', id)
    if (!row) throw notFound('Mail not found')
    return row
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'dev_mailbox'
})
