// Message versions: the earlier texts of an edited message, for members of its room only. Unsending or
// deleting a message removes its versions (messages.class.ts), so taken-back text is never readable here.
import { NotFound } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { isUuid } from '../../hooks/validate-id'
import { requireMembership } from '../members/membership'
import type { MessageVersion, MessageVersionPage, MessageVersionQuery } from './message-versions.schema'

export type { MessageVersion, MessageVersionPage, MessageVersionQuery }
export interface MessageVersionParams extends Params<MessageVersionQuery> {}

const messageNotFound = () => new NotFound('Message not found', { code: 'not_found' })

export class MessageVersionService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: MessageVersionParams = {}): Promise<MessageVersionPage> {
    requireUser(params)
    const { message_id: messageId, $limit, $skip = 0 } = params.query ?? ({} as MessageVersionQuery)
    if (!isUuid(messageId)) throw messageNotFound()
    const message = await this.db('messages').select('room_id').where({ id: messageId }).first()
    if (!message) throw messageNotFound()
    // Not a member of its room (or another org's room): the message does not exist for the caller.
    await requireMembership(this.db, params, message.room_id).catch(() => {
      throw messageNotFound()
    })
    const limit = Math.min($limit ?? 100, 100)
    const base = this.db('message_versions').where({ message_id: messageId })
    const counted = await base.clone().count({ count: '*' })
    const rows = await base
      .select('id', 'message_id', 'body', 'created_at')
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(limit)
      .offset($skip)
    return { total: Number(counted[0]?.count ?? 0), limit, skip: $skip, data: rows as MessageVersion[] }
  }
}
