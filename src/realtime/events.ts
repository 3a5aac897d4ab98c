// The event catalogue: every realtime event ChatBoard sends, who hears it and the schema of its payload. The
// publisher projects each payload onto its schema, tests validate every event they receive against it, and
// docs/events.md is generated from it (npm run docs:events). A socket event's name is `<service> <event>`.
import { Type } from '@feathersjs/typebox'
import type { TSchema } from '@feathersjs/typebox'
import { messageSchema } from '../services/messages/messages.schema'
import { roomSchema } from '../services/rooms/rooms.schema'
import { memberSchema } from '../services/members/members.schema'
import { typingSchema } from '../services/typing/typing.schema'
import { receiptSchema } from '../services/receipts/receipts.schema'
import { userSchema } from '../services/users/users.schema'
import { orgEventSchema } from '../services/orgs/orgs.schema'
import { friendshipSchema } from '../services/friendships/friendships.schema'
import { notificationPreferenceSchema } from '../services/notification-preferences/notification-preferences.schema'
import { notificationSchema } from '../services/notifications/notifications.schema'
import { uploadEventSchema } from '../services/uploads/uploads.schema'

export interface EventSpec {
  // Who receives it, in words (the routes in service-events.ts say it in code).
  audience: string
  schema: TSchema
  description: string
}

const Uuid = Type.String({ format: 'uuid' })

// Personal fields stay with their owner: the room as every member may see it, a message without the sender's
// delivery summary, a read pointer without the reader's unread count, a user without login plumbing.
export const roomEventSchema = Type.Omit(
  roomSchema,
  ['my_role', 'muted', 'last_read_seq', 'unread_count', 'join_code', 'dm_peer_id'],
  { $id: 'RoomEvent', additionalProperties: false }
)
export const messageEventSchema = Type.Omit(messageSchema, ['delivery'], {
  $id: 'MessageEvent',
  additionalProperties: false
})
export const roomReceiptSchema = Type.Omit(receiptSchema, ['unread_count'], {
  $id: 'RoomReceipt',
  additionalProperties: false
})
export const userEventSchema = Type.Omit(userSchema, ['password', 'google_id', 'oidc_id'], {
  $id: 'UserEvent',
  additionalProperties: false
})
export const presenceChangeSchema = Type.Object(
  {
    user_id: Uuid,
    status: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    last_seen_at: Type.String({ format: 'date-time' })
  },
  { $id: 'PresenceChange', additionalProperties: false }
)
export const presenceEventSchema = Type.Array(presenceChangeSchema, { $id: 'PresenceEvent' })

export const events: Record<string, EventSpec> = {
  'messages created': {
    audience: 'room: every member device but the socket that sent it (its answer is the message)',
    schema: messageEventSchema,
    description: 'A new message (its seq is the room’s next; gaps never happen).'
  },
  'messages patched': {
    audience: 'room',
    schema: messageEventSchema,
    description: 'An edit (new body, edited_at) or an unsend (placeholder body, unsent_at).'
  },
  'messages removed': {
    audience: 'room',
    schema: messageEventSchema,
    description: 'A moderator deleted the message (placeholder body, deleted_at).'
  },
  'rooms created': {
    audience: 'user: each member of the new room (their devices join the room channel first)',
    schema: roomEventSchema,
    description: 'A group room was created or a DM opened with me; fetch `rooms.get` for my own fields.'
  },
  'rooms patched': {
    audience: 'room',
    schema: roomEventSchema,
    description:
      'Renamed, new topic, archived or unarchived, join code rotated (the code itself is not sent).'
  },
  'members created': {
    audience: 'room, and the new member’s devices',
    schema: memberSchema,
    description: 'Someone joined or was added.'
  },
  'members patched': {
    audience: 'role change: room and the member’s devices; mute: the member’s devices only',
    schema: memberSchema,
    description: 'A role changed, or I muted/unmuted the room (`muted` only ever reaches its owner).'
  },
  'members removed': {
    audience: 'room, and the removed member’s devices',
    schema: memberSchema,
    description: 'Someone left or was kicked; their devices stop receiving the room’s events.'
  },
  'typing created': {
    audience: 'room',
    schema: typingSchema,
    description: 'A member is typing until expires_at, or stopped.'
  },
  'receipts created (reader)': {
    audience: 'user: the reader’s devices (read pointer moved)',
    schema: receiptSchema,
    description:
      'My read/delivered pointers moved, with my new unread count for the room (multi-device sync).'
  },
  'receipts created': {
    audience: 'room except the reader’s devices (read moved); the whole room (only delivered moved)',
    schema: roomReceiptSchema,
    description: 'A member’s read or delivered pointer moved (read receipts, "seen by").'
  },
  'users patched': {
    audience: 'the user’s devices and their org',
    schema: userEventSchema,
    description: 'Profile, role or status changed.'
  },
  'users removed': {
    audience: 'the user’s devices',
    schema: userEventSchema,
    description: 'The user was removed from the org.'
  },
  'orgs patched': {
    audience: 'org',
    schema: orgEventSchema,
    description: 'The organization was renamed or its retention changed (never its ADMIN-only settings).'
  },
  'friendships created': {
    audience: 'both users’ devices',
    schema: friendshipSchema,
    description: 'A friend request, or a block of a stranger.'
  },
  'friendships patched': {
    audience: 'both users’ devices',
    schema: friendshipSchema,
    description: 'Accepted, rejected, blocked, or one of two blocks lifted.'
  },
  'friendships removed': {
    audience: 'both users’ devices',
    schema: friendshipSchema,
    description: 'Cancelled, unfriended, forgotten or unblocked.'
  },
  'notification-preferences created': {
    audience: 'the user’s devices',
    schema: notificationPreferenceSchema,
    description: 'A default or room override was set.'
  },
  'notification-preferences patched': {
    audience: 'the user’s devices',
    schema: notificationPreferenceSchema,
    description: 'A preference changed.'
  },
  'notification-preferences removed': {
    audience: 'the user’s devices',
    schema: notificationPreferenceSchema,
    description: 'A room override was removed (the default applies again).'
  },
  'notifications created': {
    audience: 'the recipient’s devices',
    schema: notificationSchema,
    description: 'A new notification (mention, DM, room invite, friend request or acceptance).'
  },
  'notifications patched': {
    audience: 'the recipient’s devices',
    schema: notificationSchema,
    description: 'Read or unread (also when reading the room moved past it).'
  },
  'notifications removed': {
    audience: 'the recipient’s devices',
    schema: notificationSchema,
    description: 'Dismissed, or withdrawn (message unsent/deleted, request cancelled).'
  },
  'presence patched': {
    audience: 'org',
    schema: presenceEventSchema,
    description: 'Online/offline transitions of the org’s users, batched per window (an array, in order).'
  },
  'uploads patched': {
    audience: 'the owner’s devices',
    schema: uploadEventSchema,
    description:
      'An upload’s status changed: uploaded (bytes arrived or completed), then ready or rejected (with reason).'
  }
}

// The socket event name a catalogue entry is sent under (entries with a parenthesised audience share a name).
export const wireName = (key: string) => key.replace(/ \(.*\)$/, '')
