// Dev mailbox: without SMTP, emails are stored instead of sent, and each user reads only their own (newest first).
import { NotFound } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import type { DevMail, DevMailPage, DevMailQuery } from './dev-mailbox.schema'

export type { DevMail, DevMailPage, DevMailQuery }

const toMail = (row: any): DevMail => ({
  id: row.id,
  to: row.to_address,
  from: row.from_address,
  subject: row.subject,
  text: row.text,
  html: row.html,
  created_at: row.created_at
})

export class DevMailboxService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: Params<DevMailQuery>): Promise<DevMailPage> {
    const user = requireUser(params)
    const { $limit, $skip = 0 } = params.query ?? {}
    const limit = Math.min($limit ?? 25, 100)
    const base = this.db('dev_mailbox').where({ user_id: user.id })
    const [{ count }] = await base.clone().count({ count: '*' })
    const rows =
      limit === 0
        ? []
        : await base
            .orderBy([
              { column: 'created_at', order: 'desc' },
              { column: 'id', order: 'desc' }
            ])
            .limit(limit)
            .offset($skip)
    return { total: Number(count), limit, skip: $skip, data: rows.map(toMail) }
  }

  async get(id: Id, params: Params): Promise<DevMail> {
    const user = requireUser(params)
    const row = await this.db('dev_mailbox').where({ id, user_id: user.id }).first()
    if (!row) throw new NotFound('Mail not found', { code: 'not_found' })
    return toMail(row)
  }
}
