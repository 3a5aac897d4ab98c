// Messages: sends get a gapless per-room seq under the room's row lock; retries with the same client_msg_id
// return the original; history pages by seq; edits keep versions; unsend and delete leave placeholders.
// Who may do which is the room policy's (authorizeRoom in messages.ts); reads go through the Knex adapter.
import { BadRequest, Conflict, Forbidden, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { forgetSocketAuthentication } from '../../auth/socket-sessions'
import { refusal } from '../../auth/room-policy'
import { notFound } from '../../errors'
import { roomNotFound } from '../members/membership'
import { resolveMentions } from './mentions'
import { SendBatcher } from './send-batch'
import { attach, lockUploads } from './attachments'
import { enqueueTopic, outboxOf } from '../../outbox'
import type { Message, MessageData, MessagePage, MessagePatch, MessageQuery } from './messages.schema'

export type { Message, MessageData, MessagePage, MessagePatch, MessageQuery }
export interface MessageParams extends KnexAdapterParams<MessageQuery> {
  // A socket send authenticated from the connection's memory: the session the send statement must check.
  sessionToCheck?: string
}

export const UNSENT_BODY = 'This message was unsent.'
export const DELETED_BODY = 'This message was deleted.'

// Marks a send that returned an earlier message, so no second `created` event goes out.
export const DUPLICATE = Symbol('duplicate-send')

const messageNotFound = () => notFound('Message not found')

const reauthenticate = async (app: Application, params: MessageParams): Promise<MessageParams> => {
  forgetSocketAuthentication(params.connection)
  const { accessToken } = params.authentication ?? {}
  const fresh = await app
    .service('authentication')
    .authenticate({ strategy: 'jwt', accessToken }, params, 'jwt')
  const retried = { ...params, ...fresh, sessionToCheck: undefined } as MessageParams
  requireOrgId(retried)
  return retried
}

// The message as it is now, locked until the transaction ends (edits, unsends and deletes serialize on it).
const lockMessage = async (trx: Knex.Transaction, id: Id) => {
  const row = await trx('messages').where({ id }).forUpdate().first()
  if (!row) throw messageNotFound()
  return row as Message
}

export class MessageService
  extends KnexService<Message, MessageData, MessageParams, MessagePatch>
  implements ServiceInterface<Message, MessageData, MessageParams, MessagePatch>
{
  private batcher: SendBatcher

  constructor(public app: Application) {
    super({ Model: app.get('postgresqlClient'), name: 'messages' } satisfies KnexAdapterOptions)
    this.batcher = new SendBatcher(() => this.Model)
  }

  // Messages of the rooms I am in (of my org).
  private visible(params: MessageParams) {
    const user = requireUser(params)
    const db = this.Model
    return db('messages')
      .select('messages.*')
      .whereIn(
        'messages.room_id',
        db('room_members').select('room_id').where({ user_id: user.id, org_id: user.org_id })
      )
  }

  // History by seq cursor, not the adapter's page: `{ data, has_more, limit }` is what clients page with
  // (README). authorizeRoom('read') has answered 404 to non-members; one row more than asked tells has_more.
  override async find(params: MessageParams = {}): Promise<any> {
    const query = params.query ?? ({} as MessageQuery)
    const limit = query.limit ?? 50
    const order = query.order ?? (query.after !== undefined && query.before === undefined ? 'asc' : 'desc')
    const knex = this.Model('messages').select('messages.*').where('messages.room_id', query.room_id)
    if (query.before !== undefined) knex.where('messages.seq', '<', query.before)
    if (query.after !== undefined) knex.where('messages.seq', '>', query.after)
    if (query.updated_after !== undefined) knex.where('messages.updated_at', '>', query.updated_after)
    knex.orderBy('messages.seq', order)
    const $limit = { $limit: limit + 1 } as unknown as MessageQuery
    const rows = await this._find({ ...params, paginate: false, query: $limit, knex })
    const page: MessagePage = { data: rows.slice(0, limit), has_more: rows.length > limit, limit }
    return page
  }

  override async get(id: Id, params: MessageParams = {}): Promise<Message> {
    return this._get(id, { ...params, knex: this.visible(params) })
  }

  // `withFiles`: a message carrying files may have no text (like a file sent without a caption).
  private checkLength(body: string, withFiles = false) {
    const max = this.app.get('limits').messageLength
    // Characters are code points (as PostgreSQL counts them), not UTF-16 units: an emoji is one, not two.
    const length = [...body].length
    if (length === 0 && !withFiles)
      throw new BadRequest('A message needs some text', { code: 'validation_error' })
    if (length > max) {
      throw new BadRequest(`A message has at most ${max} characters`, { code: 'message_too_long', max })
    }
  }

  // The message a retry (same sender and client_msg_id) refers to, marked so no event announces it again.
  // The id is unique per sender across rooms: the same id for another room is not a retry of that message
  // (answering with it would tell the client its text landed in a room it did not pick).
  async original(senderId: string, clientMsgId: string, roomId: string) {
    const row = await this.Model('messages')
      .where({ sender_id: senderId, client_msg_id: clientMsgId })
      .first()
    if (!row) return null
    if (row.room_id !== roomId) {
      throw new Conflict('This client_msg_id was already used in another room', {
        code: 'client_msg_id_reused'
      })
    }
    Object.defineProperty(row, DUPLICATE, { value: true })
    return row as Message
  }

  override async create(data: MessageData, params?: MessageParams): Promise<Message>
  override async create(data: MessageData[], params?: MessageParams): Promise<Message[]>
  override async create(
    data: MessageData | MessageData[],
    params: MessageParams = {}
  ): Promise<Message | Message[]> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Send one message at a time')
    const user = requireUser(params)
    // Retries are not looked up first: the unique (sender_id, client_msg_id) index catches them in the insert
    // (the call rolls back, so no seq is used up), which saves a query on every first send.
    this.checkLength(data.body, (data.upload_ids ?? []).length > 0)
    const mentions = await resolveMentions(this.Model, data.room_id, data.body, user.id)
    try {
      // One call: next seq under the room's row lock (gapless, strictly increasing), insert, sender's pointers.
      // The room's kind rides along (same statement): a DM's send wrote an outbox row to drain.
      // A socket send authenticated from memory passes its session: the same call checks it (CB004 below).
      const session = params.sessionToCheck ?? null
      const send = (db: Knex | Knex.Transaction) =>
        db.raw(
          `select m.*, r.kind as room_kind
           from chatboard_send_message(?, ?, ?, ?, ?::uuid[], ?, ?${session ? ', ?' : ''}) m
           join rooms r on r.id = m.room_id`,
          [
            data.room_id,
            user.org_id,
            user.id,
            data.body,
            mentions,
            data.client_msg_id ?? null,
            data.client_sent_at ?? null,
            ...(session ? [session] : [])
          ]
        )
      const uploadIds = data.upload_ids ?? []
      // Without files: the send joins this process's next group commit (send-batch.ts: the same function per
      // item, in a subtransaction of its own). With files: one transaction (lock order: the uploads FOR SHARE,
      // the room row, the message), so the message and its links commit together or not at all.
      const sent =
        uploadIds.length === 0
          ? await this.batcher.send({
              room: data.room_id,
              org: user.org_id as string,
              sender: user.id,
              body: data.body,
              mentions,
              client_msg_id: data.client_msg_id ?? null,
              client_sent_at: data.client_sent_at ?? null,
              session
            })
          : await this.Model.transaction(async (trx) => {
              await lockUploads(trx, uploadIds, user.id, user.org_id as string)
              const { room_kind, ...row } = (await send(trx)).rows[0]
              return { ...(await attach(trx, row, uploadIds)), room_kind }
            })
      // A DM or a mention wrote an outbox row in the same call (notifications): drain it now.
      const { room_kind: roomKind, ...message } = sent
      if (mentions.length > 0 || roomKind === 'dm') outboxOf(this.app).kick()
      return message
    } catch (error: any) {
      // The function enforces the policy's `send` row under the room's lock (see authorizeSend): a member of
      // the room (else 404, like a room that does not exist), not archived, no block in a DM. What it found is
      // answered by the same table (a retry of a send stored before an archive is answered with the stored
      // message by the service's answerRetry hook). Every room role may send, so the role does not matter.
      const facts = { role: 'member' as const, kind: 'group' as const, archived: false, blocked: false }
      if (error?.code === 'CB001') throw refusal('send', { ...facts, archived: true }) ?? error
      if (error?.code === 'CB002') throw roomNotFound()
      if (error?.code === 'CB003') throw refusal('send', { ...facts, kind: 'dm', blocked: true }) ?? error
      // The remembered session no longer holds (ended, account suspended, org changed): authenticate in full,
      // which answers the refusal, or send again as who the token is now.
      if (error?.code === 'CB004') return this.create(data, await reauthenticate(this.app, params))
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

  // authorizeRoom(messagePatchActions) has checked the sender, the archive and a DM block.
  override async patch(id: Id, data: MessagePatch, params?: MessageParams): Promise<Message>
  override async patch(id: null, data: MessagePatch, params?: MessageParams): Promise<Message[]>
  override async patch(
    id: NullableId,
    data: MessagePatch,
    params: MessageParams = {}
  ): Promise<Message | Message[]> {
    if (id === null) throw new MethodNotAllowed('Patch one message at a time')
    const user = requireUser(params)
    let withdrawn = false
    const message = await this.Model.transaction(async (trx) => {
      // Under the row lock, so an unsend or delete racing this edit either sees the version and removes it,
      // or wins first and this edit is refused: taken-back text never comes back.
      const current = await lockMessage(trx, id)
      if (current.deleted_at) throw new Conflict('This message was deleted', { code: 'message_deleted' })
      if ('unsent' in data) {
        if (current.unsent_at) return current
        const windowMs = this.app.get('limits').unsendWindowSeconds * 1000
        if (Date.now() - new Date(current.created_at).getTime() > windowMs) {
          throw new Forbidden('Messages can only be unsent within an hour of sending', {
            code: 'unsend_window_passed'
          })
        }
        // Unsending takes the text back entirely, earlier versions included.
        await trx('message_versions').where({ message_id: id }).del()
        const [row] = await trx('messages')
          .where({ id })
          .update({ body: UNSENT_BODY, mentions: [], unsent_at: trx.fn.now(), updated_at: trx.fn.now() })
          .returning('*')
        // Its notifications are withdrawn after the commit (the outbox row commits with the unsend).
        await enqueueTopic(trx, 'messageWithdrawn', { message_id: row.id }, row.org_id)
        withdrawn = true
        return row
      }
      if (current.unsent_at) throw new Conflict('This message was unsent', { code: 'message_unsent' })
      this.checkLength(data.body)
      const mentions = await resolveMentions(trx, current.room_id, data.body, user.id)
      await trx('message_versions').insert({
        message_id: id,
        body: current.body,
        created_at: current.edited_at ?? current.created_at
      })
      const [row] = await trx('messages')
        .where({ id })
        .update({ body: data.body, mentions, edited_at: trx.fn.now(), updated_at: trx.fn.now() })
        .returning('*')
      return row
    })
    if (withdrawn) outboxOf(this.app).kick()
    return message
  }

  // Deleting is moderation (authorizeRoom('delete_any')); senders unsend their own instead.
  override async remove(id: Id, params?: MessageParams): Promise<Message>
  override async remove(id: null, params?: MessageParams): Promise<Message[]>
  override async remove(id: NullableId): Promise<Message | Message[]> {
    if (id === null) throw new MethodNotAllowed('Remove one message at a time')
    const message = await this.Model.transaction(async (trx) => {
      const current = await lockMessage(trx, id)
      if (current.deleted_at) return current
      await trx('message_versions').where({ message_id: id }).del()
      const [row] = await trx('messages')
        .where({ id })
        .update({ body: DELETED_BODY, mentions: [], deleted_at: trx.fn.now(), updated_at: trx.fn.now() })
        .returning('*')
      await enqueueTopic(trx, 'messageWithdrawn', { message_id: row.id }, row.org_id)
      return row
    })
    outboxOf(this.app).kick()
    return message
  }
}
