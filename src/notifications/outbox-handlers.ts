// Notifications from the outbox: each topic below is written in the transaction of the change it follows
// (see src/outbox/topics.ts) and handled here after the commit, at least once:
//   messages.created      -> `dm` for the other member of a DM, `mention` for each @mentioned member of a group
//   messages.withdrawn    -> an unsent or deleted message's notifications are removed
//   members.created       -> `room_invite` when someone else added me to a room (joining by code is my own doing)
//   rooms.created         -> `room_invite` for every member the creator put into a new group room
//   friendships.requested -> `friend_request` for the addressee
//   friendships.answered  -> the request's notification counts as read; `friend_accepted` for the requester
//   friendships.ended     -> a cancelled request's notification is removed
// Running twice creates nothing twice for messages (one notification per message and user, see notify.ts).
import type { Application } from '../declarations'
import type { NotificationPayload } from '../services/notifications/notifications.schema'
import { toNotification } from '../services/notifications/notifications.class'
import type { Outbox, OutboxRow } from '../outbox/outbox'
import { TOPICS } from '../outbox/topics'
import type { TopicPayload } from '../outbox/topics'
import { createNotifications } from './notify'
import type { NotificationDraft } from './notify'

const EXCERPT = 140

const excerpt = (body: string) => {
  const chars = [...body.replace(/\s+/g, ' ').trim()]
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join('')}…` : chars.join('')
}

type Handler<T extends keyof typeof TOPICS> = (app: Application, payload: TopicPayload<T>) => Promise<void>

export const notificationHandlers = (outbox: Outbox) => {
  const on = <T extends keyof typeof TOPICS>(topic: T, handler: Handler<T>) =>
    outbox.on(TOPICS[topic], (app: Application, row: OutboxRow) => handler(app, row.payload))
  on('messageCreated', messageCreated)
  on('messageWithdrawn', messageWithdrawn)
  on('memberAdded', memberAdded)
  on('roomCreated', roomCreated)
  on('friendRequested', friendRequested)
  on('friendAnswered', friendAnswered)
  on('friendshipEnded', friendshipEnded)
}

const actorOf = async (app: Application, userId: string) => {
  const row = await app.get('postgresqlClient')('users').where({ id: userId }).first('id', 'username', 'name')
  return row ? { id: row.id, username: row.username, name: row.name } : null
}

const roomOf = async (app: Application, roomId: string) =>
  (await app.get('postgresqlClient')('rooms').where({ id: roomId }).first('id', 'kind', 'name', 'org_id')) as
    { id: string; kind: 'group' | 'dm'; name: string | null; org_id: string } | undefined

const emitAll = (app: Application, event: 'patched' | 'removed', rows: any[]) => {
  const service = app.service('notifications')
  for (const row of rows) service.emit(event, toNotification(row))
}

const messageCreated: Handler<'messageCreated'> = async (app, { message_id }) => {
  const db = app.get('postgresqlClient')
  const message = await db('messages').where({ id: message_id }).first()
  // Unsent, deleted or purged before this ran: nothing to tell anyone.
  if (!message || message.unsent_at || message.deleted_at || !message.sender_id) return
  if (message.kind === 'system') return
  const sender: string = message.sender_id
  const mentions = ((message.mentions ?? []) as string[]).filter((id) => id !== sender)
  const room = await roomOf(app, message.room_id)
  if (!room) return
  // A DM notifies its other member (read from the members, whatever the shape of dm_key).
  const recipients =
    room.kind === 'dm'
      ? ((await db('room_members')
          .where({ room_id: room.id })
          .whereNot({ user_id: sender })
          .pluck('user_id')) as string[])
      : mentions
  if (recipients.length === 0) return
  const payload: NotificationPayload = {
    actor: await actorOf(app, sender),
    room: { id: room.id, kind: room.kind, name: room.name },
    excerpt: excerpt(message.body)
  }
  const drafts: NotificationDraft[] = recipients.map((userId) => ({
    user_id: userId,
    org_id: message.org_id,
    type: room.kind === 'dm' ? 'dm' : 'mention',
    actor_id: sender,
    room_id: message.room_id,
    message_id: message.id,
    message_seq: Number(message.seq),
    mentioned: mentions.includes(userId),
    payload
  }))
  await createNotifications(app, drafts, message.room_id)
}

const messageWithdrawn: Handler<'messageWithdrawn'> = async (app, { message_id }) => {
  const db = app.get('postgresqlClient')
  emitAll(app, 'removed', await db('notifications').where({ message_id }).del().returning('*'))
}

const invite = async (app: Application, roomId: string, userIds: string[], actorId: string) => {
  const room = await roomOf(app, roomId)
  if (!room || room.kind !== 'group' || userIds.length === 0) return
  const payload: NotificationPayload = {
    actor: await actorOf(app, actorId),
    room: { id: room.id, kind: room.kind, name: room.name }
  }
  const drafts: NotificationDraft[] = userIds.map((userId) => ({
    user_id: userId,
    org_id: room.org_id,
    type: 'room_invite',
    actor_id: actorId,
    room_id: room.id,
    payload
  }))
  await createNotifications(app, drafts, room.id)
}

const memberAdded: Handler<'memberAdded'> = async (app, { room_id, user_id, actor_id }) => {
  if (!actor_id || actor_id === user_id) return
  await invite(app, room_id, [user_id], actor_id)
}

// Those put in at creation who are still members (someone who left meanwhile is not invited any more).
const roomCreated: Handler<'roomCreated'> = async (app, { room_id, actor_id, user_ids }) => {
  const still: string[] = await app
    .get('postgresqlClient')('room_members')
    .where({ room_id })
    .whereIn('user_id', user_ids)
    .whereNot({ user_id: actor_id })
    .pluck('user_id')
  await invite(app, room_id, still, actor_id)
}

const friendRequested: Handler<'friendRequested'> = async (app, payload) => {
  const requester = await actorOf(app, payload.requester_id)
  if (!requester) return
  const draft: NotificationDraft = {
    user_id: payload.addressee_id,
    org_id: payload.org_id,
    type: 'friend_request',
    actor_id: payload.requester_id,
    friendship_id: payload.friendship_id,
    payload: { actor: requester }
  }
  await createNotifications(app, [draft], null)
}

const friendAnswered: Handler<'friendAnswered'> = async (app, payload) => {
  const db = app.get('postgresqlClient')
  // Answered (accepted, rejected) or blocked: the request needs no more attention.
  const handled = await db('notifications')
    .where({ friendship_id: payload.friendship_id, type: 'friend_request' })
    .whereNull('read_at')
    .update({ read_at: db.fn.now() })
    .returning('*')
  emitAll(app, 'patched', handled)
  if (payload.status !== 'accepted') return
  const actor = await actorOf(app, payload.actor_id)
  if (!actor) return
  const recipientId = payload.actor_id === payload.requester_id ? payload.addressee_id : payload.requester_id
  const draft: NotificationDraft = {
    user_id: recipientId,
    org_id: payload.org_id,
    type: 'friend_accepted',
    actor_id: payload.actor_id,
    friendship_id: payload.friendship_id,
    payload: { actor }
  }
  await createNotifications(app, [draft], null)
}

const friendshipEnded: Handler<'friendshipEnded'> = async (app, { friendship_id }) => {
  const db = app.get('postgresqlClient')
  const gone = await db('notifications').where({ friendship_id, type: 'friend_request' }).del().returning('*')
  emitAll(app, 'removed', gone)
}
