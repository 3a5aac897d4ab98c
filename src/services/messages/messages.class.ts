// Messages: sends get a gapless per-room seq under the room's row lock; retries with the same client_msg_id
// return the original; history pages by seq; edits keep versions; unsend and delete leave placeholders.
import { BadRequest, Conflict, Forbidden, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { isRoomManager, requireMembership, roomNotFound } from '../members/membership'
import { deliveryFor } from './delivery'
import { resolveMentions } from './mentions'
import { blockedError } from '../friendships/blocks'
import { isUuid } from '../../hooks/validate-id'
import type { Message, MessageData, MessagePage, MessagePatch, MessageQuery } from './messages.schema'

export type { Message, MessageData, MessagePage, MessagePatch, MessageQuery }
export interface MessageParams extends Params<MessageQuery> {}

export const UNSENT_BODY = 'This message was unsent.'
export const DELETED_BODY = 'This message was deleted.'

// Marks a send that returned an earlier message, so no second `created` event goes out.
export const DUPLICATE = Symbol('duplicate-send')

const toMessage = (row: any): Message => ({ ...row, seq: Number(row.seq), mentions: row.mentions ?? [] })

// The message as it is now, locked until the transaction ends (edits, unsends and deletes serialize on it).
const lockMessage = async (trx: Knex.Transaction, id: Id) => {
  const row = await trx('messages').where({ id }).forUpdate().first()
  if (!row) throw new NotFound('Message not found', { code: 'not_found' })
  return toMessage(row)
}

export class MessageService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private async withDelivery(messages: Message[], userId: string) {
    const own = messages.filter((m) => m.sender_id === userId)
    if (own.length === 0) return messages
    const delivery = await deliveryFor(
      this.db,
      own[0].room_id,
      userId,
      own.map((m) => m.seq)
    )
    for (const message of own) message.delivery = delivery.get(message.seq)
    return messages
  }

  async find(params: MessageParams): Promise<MessagePage> {
    const user = requireUser(params)
    const query = params.query ?? ({} as MessageQuery)
    await requireMembership(this.db, params, query.room_id)
    const limit = query.limit ?? 50
    const order = query.order ?? (query.after !== undefined && query.before === undefined ? 'asc' : 'desc')
    const q = this.db('messages').where({ room_id: query.room_id })
    if (query.before !== undefined) q.where('seq', '<', query.before)
    if (query.after !== undefined) q.where('seq', '>', query.after)
    if (query.updated_after !== undefined) q.where('updated_at', '>', query.updated_after)
    const rows = await q.orderBy('seq', order).limit(limit + 1)
    const data = rows.slice(0, limit).map(toMessage)
    return { data: await this.withDelivery(data, user.id), has_more: rows.length > limit, limit }
  }

  // A message is visible only to members of its room; anything else is a 404.
  private async visible(id: Id, params: Params) {
    const row = await this.db('messages').where({ id }).first()
    if (!row) throw new NotFound('Message not found', { code: 'not_found' })
    const membership = await requireMembership(this.db, params, row.room_id).catch(() => {
      throw new NotFound('Message not found', { code: 'not_found' })
    })
    return { message: toMessage(row), membership }
  }

  async get(id: Id, params: MessageParams): Promise<Message> {
    const user = requireUser(params)
    const { message } = await this.visible(id, params)
    return (await this.withDelivery([message], user.id))[0]
  }

  private checkLength(body: string) {
    const max = this.app.get('limits').messageLength
    // Characters are code points (as PostgreSQL counts them), not UTF-16 units: an emoji is one, not two.
    const length = [...body].length
    if (length === 0) throw new BadRequest('A message needs some text', { code: 'validation_error' })
    if (length > max) {
      throw new BadRequest(`A message has at most ${max} characters`, { code: 'message_too_long', max })
    }
  }

  // The id is unique per sender across rooms: the same id for another room is not a retry of that message
  // (answering with it would tell the client its text landed in a room it did not pick).
  private async original(senderId: string, clientMsgId: string, roomId: string) {
    const row = await this.db('messages').where({ sender_id: senderId, client_msg_id: clientMsgId }).first()
    if (!row) return null
    if (row.room_id !== roomId) {
      throw new Conflict('This client_msg_id was already used in another room', {
        code: 'client_msg_id_reused'
      })
    }
    const message = toMessage(row)
    Object.defineProperty(message, DUPLICATE, { value: true })
    return message
  }

  async create(data: MessageData, params: MessageParams): Promise<Message> {
    const user = requireUser(params)
    if (!isUuid(data.room_id)) throw roomNotFound()
    // Membership, archive and DM blocks are all checked inside chatboard_send_message, under the room's lock.
    // Retries are not looked up first: the unique (sender_id, client_msg_id) index catches them in the insert
    // (the call rolls back, so no seq is used up), which saves a query on every first send.
    this.checkLength(data.body)
    const mentions = await resolveMentions(this.db, data.room_id, data.body, user.id)
    try {
      // One call: next seq under the room's row lock (gapless, strictly increasing), insert, sender's pointers.
      const result = await this.db.raw('select * from chatboard_send_message(?, ?, ?, ?, ?::uuid[], ?, ?)', [
        data.room_id,
        user.org_id,
        user.id,
        data.body,
        mentions,
        data.client_msg_id ?? null,
        data.client_sent_at ?? null
      ])
      return toMessage(result.rows[0])
    } catch (error: any) {
      // Archived, or removed from the room, while this send waited for the room's lock: refused all the same.
      if (error?.code === 'CB001') {
        // A retry answers with what was stored, even if the room was archived since the first attempt.
        const earlier = data.client_msg_id
          ? await this.original(user.id, data.client_msg_id, data.room_id)
          : null
        if (earlier) return earlier
        throw new Forbidden('This room is archived', { code: 'room_archived' })
      }
      if (error?.code === 'CB002') throw roomNotFound()
      if (error?.code === 'CB003') throw blockedError()
      // A racing retry with the same client_msg_id committed first: answer with that message.
      if (
        error?.code === '23505' &&
        error?.constraint === 'messages_sender_client_msg_unique' &&
        data.client_msg_id
      ) {
        const earlier = await this.original(user.id, data.client_msg_id, data.room_id)
        if (earlier) return earlier
      }
      throw error
    }
  }

  async patch(id: NullableId, data: MessagePatch, params: MessageParams): Promise<Message> {
    if (id === null) throw new MethodNotAllowed('Patch one message at a time')
    const user = requireUser(params)
    const { message, membership } = await this.visible(id, params)
    if (message.sender_id !== user.id)
      throw new Forbidden('Only the sender can change a message', { code: 'not_sender' })
    // An archived room is read-only: no new text, no edits, no unsends.
    if (membership.room_archived_at) throw new Forbidden('This room is archived', { code: 'room_archived' })
    if (message.deleted_at) throw new Conflict('This message was deleted', { code: 'message_deleted' })
    if ('unsent' in data) {
      if (message.unsent_at) return message
      const windowMs = this.app.get('limits').unsendWindowSeconds * 1000
      if (Date.now() - new Date(message.created_at).getTime() > windowMs) {
        throw new Forbidden('Messages can only be unsent within an hour of sending', {
          code: 'unsend_window_passed'
        })
      }
      return this.db.transaction(async (trx) => {
        // Re-read under the row lock: an edit or a delete may have committed since the check above.
        const current = await lockMessage(trx, id)
        if (current.deleted_at) throw new Conflict('This message was deleted', { code: 'message_deleted' })
        if (current.unsent_at) return current
        // Unsending takes the text back entirely, earlier versions included.
        await trx('message_versions').where({ message_id: id }).del()
        const [row] = await trx('messages')
          .where({ id })
          .update({ body: UNSENT_BODY, mentions: [], unsent_at: trx.fn.now(), updated_at: trx.fn.now() })
          .returning('*')
        return toMessage(row)
      })
    }
    if (message.unsent_at) throw new Conflict('This message was unsent', { code: 'message_unsent' })
    this.checkLength(data.body)
    const mentions = await resolveMentions(this.db, message.room_id, data.body, user.id)
    return this.db.transaction(async (trx) => {
      // Under the row lock, so an unsend or delete racing this edit either sees the version and removes it,
      // or wins first and this edit is refused: taken-back text never comes back.
      const current = await lockMessage(trx, id)
      if (current.deleted_at) throw new Conflict('This message was deleted', { code: 'message_deleted' })
      if (current.unsent_at) throw new Conflict('This message was unsent', { code: 'message_unsent' })
      await trx('message_versions').insert({
        message_id: id,
        body: current.body,
        created_at: current.edited_at ?? current.created_at
      })
      const [row] = await trx('messages')
        .where({ id })
        .update({ body: data.body, mentions, edited_at: trx.fn.now(), updated_at: trx.fn.now() })
        .returning('*')
      return toMessage(row)
    })
  }

  // Deleting is moderation: room owners and admins remove any message; senders unsend their own instead.
  async remove(id: NullableId, params: MessageParams): Promise<Message> {
    if (id === null) throw new MethodNotAllowed('Remove one message at a time')
    const { message, membership } = await this.visible(id, params)
    if (!isRoomManager(membership)) {
      throw new Forbidden('Only room owners and admins can delete messages', { code: 'room_role_required' })
    }
    if (message.deleted_at) return message
    return this.db.transaction(async (trx) => {
      const current = await lockMessage(trx, id)
      if (current.deleted_at) return current
      await trx('message_versions').where({ message_id: id }).del()
      const [row] = await trx('messages')
        .where({ id })
        .update({ body: DELETED_BODY, mentions: [], deleted_at: trx.fn.now(), updated_at: trx.fn.now() })
        .returning('*')
      return toMessage(row)
    })
  }
}
