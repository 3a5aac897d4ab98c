// The one table of who may do what in a room, and how an archive, a DM and a block change it. Applied by
// authorizeRoom (src/hooks/authorize-room.ts); src/auth/scopes.ts is the same idea for API keys.
import { Forbidden } from '@feathersjs/errors'
import { blockedError } from '../services/friendships/blocks'

export type RoomRole = 'owner' | 'admin' | 'member'
export const roomRoles: readonly RoomRole[] = ['owner', 'admin', 'member']

export interface RoomRule {
  // Room roles that may; 'anyone' is any user of the room's org, in the room or not (join by code, open a DM).
  roles: readonly RoomRole[] | 'anyone'
  // In an archived room. Archived means read-only: nothing new is said, nobody new comes in.
  archived: 'allowed' | 'refused'
  // In a DM: 'immutable' when a DM has no such thing (a DM is two people, no roles, no name, for good).
  dm: 'allowed' | 'immutable'
  // In a DM whose two people block each other (either way). Group rooms ignore blocks entirely: a block is
  // between two people, not a reason to silence a room (mentions of blocked users are dropped, see mentions.ts).
  blocked: 'allowed' | 'refused'
  // Only on the caller's own message or member row; the code answered for someone else's.
  own?: 'not_sender' | 'not_owner'
  // For error messages: "Only room owners and admins can <what>".
  what: string
}

const ALL = roomRoles
const MANAGERS: readonly RoomRole[] = ['owner', 'admin']
const OWNERS: readonly RoomRole[] = ['owner']

export const roomPolicy = {
  // History and member lists stay readable in archived rooms and across a block (nothing is taken back).
  read: { roles: ALL, archived: 'allowed', dm: 'allowed', blocked: 'allowed', what: 'read this room' },
  // Saying something new: not in an archived room, not to someone who blocked you (or whom you blocked).
  // chatboard_send_message re-checks both under the room's lock.
  send: { roles: ALL, archived: 'refused', dm: 'allowed', blocked: 'refused', what: 'send messages' },
  // An edit puts new text in front of the other person, so it counts as contact like a send.
  edit_own: {
    roles: ALL,
    archived: 'refused',
    dm: 'allowed',
    blocked: 'refused',
    own: 'not_sender',
    what: 'edit messages'
  },
  // Taking one's words back is always welcome, even across a block; an archived room is frozen as it was.
  unsend_own: {
    roles: ALL,
    archived: 'refused',
    dm: 'allowed',
    blocked: 'allowed',
    own: 'not_sender',
    what: 'unsend messages'
  },
  // Moderation: abuse must stay removable after the room was archived. DM members are plain members.
  delete_any: {
    roles: MANAGERS,
    archived: 'allowed',
    dm: 'allowed',
    blocked: 'allowed',
    what: 'delete messages'
  },
  // A typing indicator is contact too, and says something new.
  typing: { roles: ALL, archived: 'refused', dm: 'allowed', blocked: 'refused', what: 'type here' },
  // Muting is the member's own setting, never anyone else's.
  mute: {
    roles: ALL,
    archived: 'allowed',
    dm: 'allowed',
    blocked: 'allowed',
    own: 'not_owner',
    what: 'mute a room'
  },
  // Anyone in the org with the code, but nobody new comes into an archived room. DMs have no join code.
  join: { roles: 'anyone', archived: 'refused', dm: 'immutable', blocked: 'allowed', what: 'join' },
  // Opening a DM (or re-opening the existing one): not between two people who block each other.
  open_dm: { roles: 'anyone', archived: 'allowed', dm: 'allowed', blocked: 'refused', what: 'open a DM' },
  // Leaving is always possible, archived or not; a DM has exactly its two members.
  leave: { roles: ALL, archived: 'allowed', dm: 'immutable', blocked: 'allowed', what: 'leave' },
  add_member: {
    roles: MANAGERS,
    archived: 'refused',
    dm: 'immutable',
    blocked: 'allowed',
    what: 'add members'
  },
  // Taking someone's access away stays possible in an archived room.
  kick: { roles: MANAGERS, archived: 'allowed', dm: 'immutable', blocked: 'allowed', what: 'remove members' },
  // Owners are removed only by owners: admins manage the room, not its ownership.
  kick_owner: {
    roles: OWNERS,
    archived: 'allowed',
    dm: 'immutable',
    blocked: 'allowed',
    what: 'remove an owner'
  },
  // Making admins and members (and back); allowed archived so someone can still be made able to unarchive.
  promote: {
    roles: MANAGERS,
    archived: 'allowed',
    dm: 'immutable',
    blocked: 'allowed',
    what: 'change roles'
  },
  // Granting or taking ownership is for owners only.
  transfer_ownership: {
    roles: OWNERS,
    archived: 'allowed',
    dm: 'immutable',
    blocked: 'allowed',
    what: 'grant or take ownership'
  },
  // Name and topic: an archived room is frozen as it was (unarchive first, in the same patch if you like).
  rename: { roles: MANAGERS, archived: 'refused', dm: 'immutable', blocked: 'allowed', what: 'rename rooms' },
  archive: {
    roles: MANAGERS,
    archived: 'allowed',
    dm: 'immutable',
    blocked: 'allowed',
    what: 'archive rooms'
  },
  unarchive: {
    roles: MANAGERS,
    archived: 'allowed',
    dm: 'immutable',
    blocked: 'allowed',
    what: 'unarchive rooms'
  },
  // A leaked code must be replaceable at any time, archived or not.
  rotate_join_code: {
    roles: MANAGERS,
    archived: 'allowed',
    dm: 'immutable',
    blocked: 'allowed',
    what: 'rotate the join code'
  }
} as const satisfies Record<string, RoomRule>

export type RoomAction = keyof typeof roomPolicy
export const roomActions = Object.keys(roomPolicy) as RoomAction[]

// What the decision looks at. `role` is null for a user of the org who is not in the room.
export interface RoomFacts {
  role: RoomRole | null
  kind: 'group' | 'dm'
  archived: boolean
  // A block between the two people of a DM (always false for group rooms).
  blocked: boolean
  // The target (message, member row) is the caller's own; undefined when the action has no target.
  own?: boolean
}

const refuse = (code: string, message: string) => new Forbidden(message, { code })

// The answer of the table: null when allowed, else the 403 to throw. Checks run in the order the services
// always answered in: DM shape, ownership of the target, role, archive, block.
export const refusal = (action: RoomAction, facts: RoomFacts): Forbidden | null => {
  const rule: RoomRule = roomPolicy[action]
  if (facts.kind === 'dm' && rule.dm === 'immutable')
    return refuse('dm_immutable', `Direct messages cannot do this (${rule.what})`)
  if (rule.own && facts.own === false) return refuse(rule.own, `Only your own can be changed (${rule.what})`)
  if (rule.roles !== 'anyone' && !(facts.role && rule.roles.includes(facts.role))) {
    // An admin refused an owners-only action hears that it needs an owner; a member, that it needs a manager.
    const manager = facts.role === 'owner' || facts.role === 'admin'
    return manager
      ? refuse('owner_required', `Only an owner can ${rule.what}`)
      : refuse('room_role_required', `Only room owners and admins can ${rule.what}`)
  }
  if (facts.archived && rule.archived === 'refused') return refuse('room_archived', 'This room is archived')
  if (facts.kind === 'dm' && facts.blocked && rule.blocked === 'refused') return blockedError()
  return null
}

export const isAllowed = (action: RoomAction, facts: RoomFacts) => refusal(action, facts) === null
