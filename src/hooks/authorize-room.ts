// authorizeRoom(action): loads the caller's membership and the room in one query (404 when not a member, or
// another org's room), applies the room policy table (src/auth/room-policy.ts) and leaves what it loaded on
// `params.roomAccess` for the service class.
import type { HookContext } from '../declarations'
import { requireUser } from '../auth/principal'
import { refusal } from '../auth/room-policy'
import type { RoomAction } from '../auth/room-policy'
import { loadRoomAccess } from '../services/members/membership'
import type { RoomAccess, RoomLocator } from '../services/members/membership'
import { notFound } from '../errors'
import { isUuid } from './validate-id'
import { NotFound } from '@feathersjs/errors'

declare module '@feathersjs/feathers' {
  interface Params {
    roomAccess?: RoomAccess
  }
}

// Actions that depend on the data, derived by these small functions (one per kind of call).
export type ActionsOf = (context: HookContext, access: RoomAccess) => RoomAction[]

// A room patch may carry several changes; each is its own action and all must be allowed.
export const roomPatchActions: ActionsOf = ({ data }) => [
  ...(data.name !== undefined || data.topic !== undefined ? (['rename'] as const) : []),
  ...(data.archived === true ? (['archive'] as const) : []),
  ...(data.archived === false ? (['unarchive'] as const) : []),
  ...(data.rotate_join_code ? (['rotate_join_code'] as const) : [])
]

// Adding someone names a room; a join code names none (the room is the code's).
export const memberCreateActions: ActionsOf = ({ data }) => ['join_code' in data ? 'join' : 'add_member']

// `muted` is the member's own setting; any `role`, even an unchanged one, is a role change request (or
// plain members could patch, and announce, other people's rows by repeating their role). Ownership, given
// or taken, is a separate action.
export const memberPatchActions: ActionsOf = ({ data }, { target }) => [
  ...(data.muted !== undefined ? (['mute'] as const) : []),
  ...(data.role === undefined
    ? []
    : data.role === 'owner' || target?.role === 'owner'
      ? (['transfer_ownership'] as const)
      : (['promote'] as const))
]

// Removing one's own row is leaving; anyone else's is a kick (an owner's needs an owner).
export const memberRemoveActions: ActionsOf = ({ params }, { target }) => [
  target?.user_id === params.user?.id ? 'leave' : target?.role === 'owner' ? 'kick_owner' : 'kick'
]

// A message patch either edits the text or unsends it.
export const messagePatchActions: ActionsOf = ({ data }) => ['unsent' in data ? 'unsend_own' : 'edit_own']

// Where the call's room comes from: the query of a listing, the data of a create, else the id (a room, or
// the member row or message the call is about).
const locate = (context: HookContext): { where: RoomLocator; what: string } => {
  const { method, path, id, data, params } = context
  if (method === 'find') return { where: { roomId: params.query?.room_id }, what: 'Room not found' }
  if (method === 'create') {
    if (typeof data?.join_code === 'string') return { where: { joinCode: data.join_code }, what: '' }
    return { where: { roomId: data?.room_id }, what: 'Room not found' }
  }
  if (path === 'members') return { where: { memberId: id }, what: 'Member not found' }
  if (path === 'messages') return { where: { messageId: id }, what: 'Message not found' }
  return { where: { roomId: id }, what: 'Room not found' }
}

// Sends are the hottest call, so their row of the table is enforced once: by chatboard_send_message under
// the room's row lock (membership, archive, DM block — the one check that cannot race a kick, an archive or a
// block), whose answer messages.class.ts maps through refusal('send', ...). Loading the room here as well
// would double the database work of every send (bench/RESULTS.md).
export const authorizeSend = async (context: HookContext) => {
  requireUser(context.params)
  if (!isUuid(context.data?.room_id)) throw notFound('Room not found')
}

export const authorizeRoom = (action: RoomAction | ActionsOf) => async (context: HookContext) => {
  // An earlier hook already answered (a throttled typing indicator): nothing to authorize.
  if (context.result !== undefined) return
  const user = requireUser(context.params)
  const db = context.app.get('postgresqlClient')
  const { where, what } = locate(context)
  const access = await loadRoomAccess(db, user, where)
  // Its own code (not not_found): the client asks for a fresh code rather than concluding the room is gone.
  if (!access && 'joinCode' in where)
    throw new NotFound('No room has that join code', { code: 'join_code_invalid' })
  if (!access) throw notFound(what)
  const actions = typeof action === 'function' ? action(context, access) : [action]
  // Only joining by code is open to people outside the room; to everyone else the room does not exist.
  if (!access.membership && actions.some((a) => a !== 'join')) throw notFound(what)
  // An unarchive in the same patch applies first: the other changes see an open room.
  const archived = !!access.room.archived_at && !actions.includes('unarchive')
  for (const current of actions) {
    const denied = refusal(current, {
      role: access.membership?.role ?? null,
      kind: access.room.kind,
      archived,
      blocked: access.blocked,
      own: access.target ? access.target.user_id === user.id : undefined
    })
    if (denied) throw denied
  }
  context.params.roomAccess = access
}
