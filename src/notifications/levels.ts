// Who gets notified of what: the preference model, decided like Slack and kept in one place.
//
// Levels (a user's default, optionally overridden per room; the override wins in that room):
//   all       DMs and @mentions (the default). A DM is an "all"-level message: every message of a DM notifies.
//   mentions  only messages that @mention me (in DMs too).
//   nothing   no message notifications from there.
// Plain messages of group rooms never notify, whatever the level: fanning a notification out to every member
// of a 1,000-member room on every message is not something the message targets leave room for.
// Mute (room_members.muted, set through members.patch): like Slack, a muted room notifies nothing except
// @mentions of me, so a muted room acts as "mentions" at most; an explicit "nothing" stays "nothing".
// Room invites and friend requests are addressed to me personally: they notify unless my default is "nothing".
// Email digests and web push cover mentions and DMs only, each switched on or off per user (email, push).
import type { Knex } from 'knex'
import type { NotificationLevel } from '../services/notification-preferences/notification-preferences.schema'

export type { NotificationLevel }

export const PREFERENCE_DEFAULTS = { level: 'all' as NotificationLevel, email: true, push: true }

export interface RecipientSettings {
  userId: string
  // The level that applies in the room in question (override, else default; mute applied).
  level: NotificationLevel
  // The user's default level (for notifications that belong to no room).
  defaultLevel: NotificationLevel
  email: boolean
  push: boolean
}

export const applyMute = (level: NotificationLevel, muted: boolean): NotificationLevel =>
  muted && level === 'all' ? 'mentions' : level

// Whether a message notifies a recipient at this level: `mentioned` = the message @mentions them.
export const messageNotifies = (level: NotificationLevel, mentioned: boolean) =>
  level === 'all' || (level === 'mentions' && mentioned)

// Every recipient's settings for one room (or none), in one query: defaults, the room's override, the mute.
export const recipientSettings = async (
  db: Knex,
  userIds: string[],
  roomId: string | null
): Promise<Map<string, RecipientSettings>> => {
  const settings = new Map<string, RecipientSettings>()
  if (userIds.length === 0) return settings
  const result = await db.raw(
    `select u.id as user_id, d.level as default_level, d.email, d.push, r.level as room_level, rm.muted, rm.id as member_id
     from unnest(?::uuid[]) as u(id)
     left join notification_preferences d on d.user_id = u.id and d.room_id is null
     left join notification_preferences r on r.user_id = u.id and r.room_id = ?::uuid
     left join room_members rm on rm.user_id = u.id and rm.room_id = ?::uuid`,
    [userIds, roomId, roomId]
  )
  for (const row of result.rows) {
    // Room-scoped news (a DM, a mention) is only for who is still in the room: someone who left the org (or
    // the room) must not get its text through a notification.
    if (roomId && !row.member_id) continue
    const defaultLevel: NotificationLevel = row.default_level ?? PREFERENCE_DEFAULTS.level
    settings.set(row.user_id, {
      userId: row.user_id,
      level: applyMute(row.room_level ?? defaultLevel, !!row.muted),
      defaultLevel,
      email: row.email ?? PREFERENCE_DEFAULTS.email,
      push: row.push ?? PREFERENCE_DEFAULTS.push
    })
  }
  return settings
}
