// Creating notifications: never for the actor, never across a block, only as the recipients' preferences allow
// (levels.ts); stored in one statement, announced to each recipient's devices, then handed to offline delivery
// (an email digest and web push, for mentions and DMs).
import type { Application } from '../declarations'
import { logger } from '../logger'
import { blockedAmong } from '../services/friendships/blocks'
import { toNotification } from '../services/notifications/notifications.class'
import type {
  Notification,
  NotificationPayload,
  NotificationType
} from '../services/notifications/notifications.schema'
import { messageNotifies, recipientSettings } from './levels'
import type { RecipientSettings } from './levels'
import { scheduleDigests } from './digest'
import { schedulePushes } from './push'

export interface NotificationDraft {
  user_id: string
  org_id: string
  type: NotificationType
  actor_id: string | null
  room_id?: string | null
  message_id?: string | null
  message_seq?: number | null
  friendship_id?: string | null
  // For DMs: whether the message @mentions this recipient (what the "mentions" level lets through).
  mentioned?: boolean
  payload: NotificationPayload
}

const MESSAGE_TYPES = new Set<NotificationType>(['mention', 'dm'])
const CHUNK = 500

const wanted = (draft: NotificationDraft, settings: RecipientSettings | undefined) => {
  if (!settings) return false
  if (MESSAGE_TYPES.has(draft.type))
    return messageNotifies(settings.level, draft.type === 'mention' || !!draft.mentioned)
  return settings.defaultLevel !== 'nothing'
}

// Drafts of one room (or of none) at a time: `roomId` decides which overrides and mutes apply.
export const createNotifications = async (
  app: Application,
  drafts: NotificationDraft[],
  roomId: string | null
): Promise<Notification[]> => {
  const db = app.get('postgresqlClient')
  let candidates = drafts.filter((draft) => draft.user_id !== draft.actor_id)
  for (const actorId of new Set(candidates.map((draft) => draft.actor_id))) {
    if (!actorId) continue
    const mine = candidates.filter((draft) => draft.actor_id === actorId).map((draft) => draft.user_id)
    const blocked = await blockedAmong(db, actorId, mine)
    if (blocked.size)
      candidates = candidates.filter((draft) => draft.actor_id !== actorId || !blocked.has(draft.user_id))
  }
  if (candidates.length === 0) return []
  const settings = await recipientSettings(db, [...new Set(candidates.map((draft) => draft.user_id))], roomId)
  candidates = candidates.filter((draft) => wanted(draft, settings.get(draft.user_id)))
  const created: Notification[] = []
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const rows = candidates.slice(i, i + CHUNK).map(({ mentioned, payload, ...fields }) => {
      void mentioned
      return { ...fields, payload: JSON.stringify(payload) }
    })
    // A trigger that runs twice for one message creates nothing the second time.
    const result = await db.raw(
      '? on conflict (user_id, message_id) where message_id is not null do nothing returning *',
      [db('notifications').insert(rows)]
    )
    created.push(...result.rows.map(toNotification))
  }
  await markAlreadyRead(app, created)
  const service = app.service('notifications')
  for (const notification of created) service.emit('created', notification)
  await deliverOffline(app, created, settings)
  return created
}

// A recipient who read the room past the message while this handler ran (reading live, or on another device)
// has seen it: checked after the insert, so that either this check sees their read pointer or the receipt's
// after-hook (read.ts) sees this notification.
const markAlreadyRead = async (app: Application, created: Notification[]) => {
  const ids = created.filter((n) => n.message_seq !== null).map((n) => n.id)
  if (ids.length === 0) return
  const db = app.get('postgresqlClient')
  const result = await db.raw(
    `update notifications n set read_at = now() from room_members rm
     where n.id = any(?::uuid[]) and n.read_at is null
       and rm.room_id = n.room_id and rm.user_id = n.user_id and rm.last_read_seq >= n.message_seq
     returning n.id, n.read_at`,
    [ids]
  )
  const readAt = new Map<string, unknown>(result.rows.map((row: any) => [row.id, row.read_at]))
  for (const n of created) {
    if (!readAt.has(n.id)) continue
    n.read = true
    n.read_at = readAt.get(n.id)
  }
}

const deliverOffline = async (
  app: Application,
  created: Notification[],
  settings: Map<string, RecipientSettings>
) => {
  const offline = created.filter((n) => MESSAGE_TYPES.has(n.type) && !n.read)
  if (offline.length === 0) return
  const byEmail = new Map<string, string>()
  for (const n of offline) if (settings.get(n.user_id)?.email) byEmail.set(n.user_id, n.org_id)
  const pushable = offline.filter((n) => settings.get(n.user_id)?.push)
  const [digests, pushes] = await Promise.allSettled([
    scheduleDigests(
      app,
      [...byEmail].map(([user_id, org_id]) => ({ user_id, org_id }))
    ),
    schedulePushes(app, pushable)
  ])
  if (digests.status === 'rejected') logger.error({ err: digests.reason }, 'scheduling email digests failed')
  if (pushes.status === 'rejected') logger.error({ err: pushes.reason }, 'scheduling web pushes failed')
}
