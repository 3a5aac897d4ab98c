// Message versions: the earlier texts of an edited message, for members of its room only. Unsending or
// deleting a message removes its versions (messages.class.ts), so taken-back text is never readable here.
import type { Paginated, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import { isUuid } from '../../hooks/validate-id'
import { requireMembership } from '../members/membership'
import type { MessageVersion, MessageVersionPage, MessageVersionQuery } from './message-versions.schema'

export type { MessageVersion, MessageVersionPage, MessageVersionQuery }
export interface MessageVersionParams extends KnexAdapterParams<MessageVersionQuery> {}

const messageNotFound = () => notFound('Message not found')

export class MessageVersionService
  extends KnexService<MessageVersion, never, MessageVersionParams>
  implements ServiceInterface<MessageVersion, never, MessageVersionParams>
{
  // The versions of one message whose room I am a member of, oldest first. Not a member of its room (or
  // another org's room): the message does not exist for the caller.
  private async history(params: MessageVersionParams) {
    requireUser(params)
    const messageId = params.query?.message_id
    if (!isUuid(messageId)) throw messageNotFound()
    const message = await this.Model('messages').select('room_id').where({ id: messageId }).first()
    if (!message) throw messageNotFound()
    await requireMembership(this.Model, params, message.room_id).catch(() => {
      throw messageNotFound()
    })
    // Wrapped: a query builder is thenable, so an async function would run it instead of returning it.
    const knex = this.createQuery({
      ...params,
      query: { ...params.query, $sort: { created_at: 1, id: 1 } }
    } as MessageVersionParams)
    return { knex }
  }

  override async find(
    params?: MessageVersionParams & { paginate?: PaginationOptions }
  ): Promise<Paginated<MessageVersion>>
  override async find(params?: MessageVersionParams & { paginate: false }): Promise<MessageVersion[]>
  override async find(params?: MessageVersionParams): Promise<Paginated<MessageVersion> | MessageVersion[]>
  override async find(
    params: MessageVersionParams = {}
  ): Promise<Paginated<MessageVersion> | MessageVersion[]> {
    return this._find({ ...params, ...(await this.history(params)) })
  }
}

// 25 versions to a page like every find; $limit up to 100 gets a long history in one call.
export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: { default: 25, max: 100 },
  Model: app.get('postgresqlClient'),
  name: 'message_versions'
})
