// Notification triggers: service events, i.e. after the change committed, turn into notifications.
//   messages created     -> `dm` for the other member of a DM, `mention` for each @mentioned member of a group
//   members created      -> `room_invite` when someone else added me to a room (joining by code is my own doing)
//   rooms created        -> `room_invite` for every member the creator put into a new group room
//   friendships created  -> `friend_request` (status pending) for the addressee
//   friendships patched  -> `friend_accepted` for the other user; the request's notification counts as read
//   friendships removed  -> a cancelled request's notification is removed
//   receipts created     -> reading a room marks its notifications up to the read pointer read (all devices)
//   messages patched/removed (unsent, deleted) -> their notifications are removed
// The work runs in the background of the process that made the change (pending.ts): a crash right after a
// commit can lose notifications, never create them twice (one per message and user, see notify.ts).
import type { Application, HookContext } from '../declarations'
import { movedOf } from '../services/receipts/receipts.class'
import type { Receipt } from '../services/receipts/receipts.class'
import type { Message } from '../services/messages/messages.class'
import type { Member } from '../services/members/members.class'
import type { Room } from '../services/rooms/rooms.class'
import type { Friendship } from '../services/friendships/friendships.class'
import type { NotificationPayload } from '../services/notifications/notifications.schema'
import { toNotification } from '../services/notifications/notifications.class'
import { createNotifications } from './notify'
import type { NotificationDraft } from './notify'
import { track } from './pending'

const EXCERPT = 140
// Room kinds never change: remembering them spares plain group messages (no mentions) any query at all.
const MAX_KINDS = 50_000

const excerpt = (body: string) => {
  const chars = [...body.replace(/\s+/g, ' ').trim()]
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join('')}…` : chars.join('')
}

export const notificationTriggers = (app: Application) => {
  const db = () => app.get('postgresqlClient')
  const kinds = new Map<string, 'group' | 'dm'>()

  const on = (
    path: string,
    event: string,
    handler: (data: any, context: HookContext) => Promise<unknown>
  ) => {
    app
      .service(path as any)
      .on(event, (data: any, context: HookContext) =>
        track(app, `${path} ${event}`, () => handler(data, context))
      )
  }

  const actorOf = async (userId: string) => {
    const row = await db()('users').where({ id: userId }).first('id', 'username', 'name')
    return row ? { id: row.id, username: row.username, name: row.name } : null
  }

  const roomOf = async (roomId: string) => {
    const row = await db()('rooms').where({ id: roomId }).first('id', 'kind', 'name', 'dm_key', 'org_id')
    if (row) {
      if (kinds.size >= MAX_KINDS) kinds.clear()
      kinds.set(row.id, row.kind)
    }
    return row as
      | { id: string; kind: 'group' | 'dm'; name: string | null; dm_key: string | null; org_id: string }
      | undefined
  }

  const emitAll = (event: 'patched' | 'removed', rows: any[]) => {
    const service = app.service('notifications')
    for (const row of rows) service.emit(event, toNotification(row))
  }

  on('messages', 'created', async (message: Message) => {
    const sender = message.sender_id
    if (!sender || message.kind === 'system') return
    const mentions = (message.mentions ?? []).filter((id) => id !== sender)
    if (mentions.length === 0 && kinds.get(message.room_id) === 'group') return
    const room = await roomOf(message.room_id)
    if (!room) return
    const recipients =
      room.kind === 'dm' ? (room.dm_key ?? '').split(':').filter((id) => id && id !== sender) : mentions
    if (recipients.length === 0) return
    const payload: NotificationPayload = {
      actor: await actorOf(sender),
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
      message_seq: message.seq,
      mentioned: mentions.includes(userId),
      payload
    }))
    await createNotifications(app, drafts, message.room_id)
  })

  const invite = async (roomId: string, userIds: string[], actorId: string) => {
    const room = await roomOf(roomId)
    if (!room || room.kind !== 'group' || userIds.length === 0) return
    const payload: NotificationPayload = {
      actor: await actorOf(actorId),
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

  on('members', 'created', async (member: Member, context) => {
    const actorId = context?.params?.user?.id
    if (!actorId || actorId === member.user_id) return
    await invite(member.room_id, [member.user_id], actorId)
  })

  on('rooms', 'created', async (room: Room) => {
    if (room.kind !== 'group' || !room.created_by) return
    const others: string[] = await db()('room_members')
      .where({ room_id: room.id })
      .whereNot({ user_id: room.created_by })
      .pluck('user_id')
    await invite(room.id, others, room.created_by)
  })

  on('friendships', 'created', async (friendship: Friendship) => {
    if (friendship.status !== 'pending') return
    const { requester } = friendship
    await createNotifications(
      app,
      [
        {
          user_id: friendship.addressee_id,
          org_id: friendship.org_id,
          type: 'friend_request',
          actor_id: friendship.requester_id,
          friendship_id: friendship.id,
          payload: { actor: { id: requester.id, username: requester.username, name: requester.name } }
        }
      ],
      null
    )
  })

  on('friendships', 'patched', async (friendship: Friendship, context) => {
    // Answered (accepted, rejected) or blocked: the request needs no more attention.
    const handled = await db()('notifications')
      .where({ friendship_id: friendship.id, type: 'friend_request' })
      .whereNull('read_at')
      .update({ read_at: db().fn.now() })
      .returning('*')
    emitAll('patched', handled)
    if (friendship.status !== 'accepted') return
    const actorId = context?.params?.user?.id
    if (!actorId) return
    const [recipientId, actor] =
      actorId === friendship.requester_id
        ? [friendship.addressee_id, friendship.requester]
        : [friendship.requester_id, friendship.addressee]
    await createNotifications(
      app,
      [
        {
          user_id: recipientId,
          org_id: friendship.org_id,
          type: 'friend_accepted',
          actor_id: actorId,
          friendship_id: friendship.id,
          payload: { actor: { id: actor.id, username: actor.username, name: actor.name } }
        }
      ],
      null
    )
  })

  on('friendships', 'removed', async (friendship: Friendship) => {
    const gone = await db()('notifications')
      .where({ friendship_id: friendship.id, type: 'friend_request' })
      .del()
      .returning('*')
    emitAll('removed', gone)
  })

  on('receipts', 'created', async (receipt: Receipt) => {
    if (!movedOf(receipt).read) return
    const read = await db()('notifications')
      .where({ user_id: receipt.user_id, room_id: receipt.room_id })
      .whereNull('read_at')
      .where('message_seq', '<=', receipt.last_read_seq)
      .update({ read_at: db().fn.now() })
      .returning('*')
    emitAll('patched', read)
  })

  const withdraw = async (message: Message) => {
    const gone = await db()('notifications').where({ message_id: message.id }).del().returning('*')
    emitAll('removed', gone)
  }
  on('messages', 'patched', async (message: Message) => {
    if (message.unsent_at || message.deleted_at) await withdraw(message)
  })
  on('messages', 'removed', withdraw)
}
