// The cells of the room policy matrix (room-policy.matrix.test.ts): each action as a real call over a client,
// the hand-written answers that keep the table honest, and the check that runs one cell.
import assert from 'node:assert/strict'
import { refusal } from '../../../src/auth/room-policy'
import type { RoomAction } from '../../../src/auth/room-policy'
import { snapshot } from './fixtures'
import type { Actor, Name, RoomFixture } from './fixtures'

export interface Cell {
  action: RoomAction
  run: () => Promise<unknown>
  // The target is the actor's own (true), someone else's (false), or there is no target (undefined).
  own?: boolean
  // What an allowed call still answers for reasons of data, not policy (joining a room one is in).
  allowedAs?: string
  // Puts the room back in its state after an allowed call that changed it (archive, unarchive).
  restore?: () => Promise<void>
}

const label = (f: RoomFixture) =>
  `${f.kind}/${f.state.archived ? 'archived' : 'open'}${f.state.blocked ? '+blocked' : ''}`

// Written by hand from the product rules, not from the table: if the table drifts, these cells fail.
export const handWritten: Record<string, string | null> = {
  'group/open/M/rename': 'room_role_required',
  'group/open/A/kick_owner': 'owner_required',
  'group/open/A/transfer_ownership': 'owner_required',
  'group/open/M/promote': 'room_role_required',
  'group/open/O/kick': null,
  'group/open/A/add_member': null,
  'group/open/M/edit_own(other)': 'not_sender',
  'group/open/O/mute(other)': 'not_owner',
  'group/archived/O/send': 'room_archived',
  'group/archived/A/add_member': 'room_archived',
  'group/archived/O/delete_any': null,
  'group/archived/A/unarchive': null,
  'group/archived/O/rename': 'room_archived',
  'group/archived/M/leave': null,
  'group/archived/J/join': 'room_archived',
  'group/open/J/join': null,
  'group/open+blocked/M/send': null,
  'group/open+blocked/M/typing': null,
  'group/open+blocked/O/kick': null,
  'dm/open/M/rename': 'dm_immutable',
  'dm/open/M/leave': 'dm_immutable',
  'dm/open/M/delete_any': 'room_role_required',
  'dm/open/M/send': null,
  'dm/open+blocked/M/send': 'blocked',
  'dm/open+blocked/M/edit_own': 'blocked',
  'dm/open+blocked/M/unsend_own': null,
  'dm/open+blocked/M/typing': 'blocked',
  'dm/open+blocked/M/open_dm': 'blocked',
  'dm/open+blocked/M/read': null,
  'dm/archived/M/send': 'room_archived',
  'dm/archived+blocked/M/send': 'room_archived'
}

export const visited = new Set<string>()

const codeOf = async (run: () => Promise<unknown>) => {
  try {
    await run()
    return null
  } catch (error: any) {
    return (error?.data?.code as string) ?? `${error?.name}: ${error?.message}`
  }
}

// Runs one cell: the table's answer, the hand-written one where there is one, and no change when refused.
export const check = async (
  f: RoomFixture,
  who: Name,
  role: 'owner' | 'admin' | 'member' | null,
  cell: Cell,
  key: string = cell.action
) => {
  const facts = { role, kind: f.kind, ...f.state, own: cell.own }
  const expected = (refusal(cell.action, facts)?.data?.code as string | undefined) ?? null
  const where = `${label(f)}/${who}/${key}`
  visited.add(where)
  if (where in handWritten) assert.equal(expected, handWritten[where], `the table disagrees with ${where}`)
  const before = expected ? await snapshot(f.roomId) : null
  const got = await codeOf(cell.run)
  assert.equal(
    got,
    expected ? expected : (cell.allowedAs ?? null),
    `${where}: expected ${expected ?? 'allowed'}`
  )
  if (before) assert.deepEqual(await snapshot(f.roomId), before, `${where} was refused but changed the room`)
  else await cell.restore?.()
  return cell.action
}

export const groupCells = (f: RoomFixture, x: Actor, joinCode: string): Cell[] => {
  const c = f.client(x)
  const room = f.roomId
  // Back to the fixture's state after an allowed archive or unarchive, by an owner who stays throughout.
  const restore = async () => {
    await f.client('O2').service('rooms').patch(room, { archived: f.state.archived })
  }
  return [
    {
      action: 'read',
      run: () =>
        Promise.all([
          c.service('messages').find({ query: { room_id: room } }),
          c.service('members').find({ query: { room_id: room } })
        ])
    },
    { action: 'send', run: () => c.service('messages').create({ room_id: room, body: `new from ${x}` }) },
    { action: 'edit_own', own: true, run: () => c.service('messages').patch(f.edit[x]!, { body: 'edited' }) },
    {
      action: 'unsend_own',
      own: true,
      run: () => c.service('messages').patch(f.unsend[x]!, { unsent: true })
    },
    { action: 'delete_any', run: () => c.service('messages').remove(f.del[x]!) },
    { action: 'typing', run: () => c.service('typing').create({ room_id: room }) },
    { action: 'mute', own: true, run: () => c.service('members').patch(f.rows[x]!, { muted: true }) },
    {
      action: 'join',
      allowedAs: 'already_member',
      run: () => c.service('members').create({ join_code: joinCode })
    },
    {
      action: 'add_member',
      run: () => c.service('members').create({ room_id: room, user_id: f.users[`N_${x}`].id })
    },
    { action: 'promote', run: () => c.service('members').patch(f.rows.P!, { role: 'member' }) },
    { action: 'transfer_ownership', run: () => c.service('members').patch(f.rows.O2!, { role: 'owner' }) },
    { action: 'rename', run: () => c.service('rooms').patch(room, { name: `Renamed by ${x}` }) },
    {
      action: 'archive',
      run: () => c.service('rooms').patch(room, { archived: true }),
      restore
    },
    {
      action: 'unarchive',
      run: () => c.service('rooms').patch(room, { archived: false }),
      restore
    },
    { action: 'rotate_join_code', run: () => c.service('rooms').patch(room, { rotate_join_code: true }) },
    { action: 'kick', run: () => c.service('members').remove(f.rows[`K_${x}`]!) }
  ]
}

export const dmCells = (f: RoomFixture): Cell[] => {
  const c = f.client('M')
  const room = f.roomId
  const peer = f.peer!
  return [
    { action: 'read', run: () => c.service('messages').find({ query: { room_id: room } }) },
    { action: 'send', run: () => c.service('messages').create({ room_id: room, body: 'new' }) },
    { action: 'edit_own', own: true, run: () => c.service('messages').patch(f.edit.M!, { body: 'edited' }) },
    {
      action: 'unsend_own',
      own: true,
      run: () => c.service('messages').patch(f.unsend.M!, { unsent: true })
    },
    { action: 'delete_any', run: () => c.service('messages').remove(f.del.M!) },
    { action: 'typing', run: () => c.service('typing').create({ room_id: room }) },
    { action: 'mute', own: true, run: () => c.service('members').patch(f.rows.M!, { muted: true }) },
    {
      action: 'add_member',
      run: () => c.service('members').create({ room_id: room, user_id: f.users.J.id })
    },
    { action: 'promote', run: () => c.service('members').patch(f.rows[peer]!, { role: 'member' }) },
    { action: 'transfer_ownership', run: () => c.service('members').patch(f.rows[peer]!, { role: 'owner' }) },
    { action: 'rename', run: () => c.service('rooms').patch(room, { name: 'A name' }) },
    { action: 'archive', run: () => c.service('rooms').patch(room, { archived: true }) },
    { action: 'unarchive', run: () => c.service('rooms').patch(room, { archived: false }) },
    { action: 'rotate_join_code', run: () => c.service('rooms').patch(room, { rotate_join_code: true }) },
    { action: 'kick', run: () => c.service('members').remove(f.rows[peer]!) },
    { action: 'leave', run: () => c.service('members').remove(f.rows.M!) },
    { action: 'open_dm', run: () => c.service('rooms').create({ kind: 'dm', user_id: f.users[peer].id }) }
  ]
}
