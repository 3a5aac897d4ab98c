// The room policy table on its own: the rules the product promises, written out by hand, and the order in
// which refusals are answered (no database needed).
import assert from 'node:assert/strict'
import { refusal, roomActions, roomPolicy, roomRoles } from '../../../src/auth/room-policy'
import type { RoomAction, RoomFacts } from '../../../src/auth/room-policy'

const group = (role: RoomFacts['role'], more: Partial<RoomFacts> = {}): RoomFacts => ({
  role,
  kind: 'group',
  archived: false,
  blocked: false,
  ...more
})
const dm = (more: Partial<RoomFacts> = {}): RoomFacts => ({ ...group('member'), kind: 'dm', ...more })
const code = (action: RoomAction, facts: RoomFacts) => refusal(action, facts)?.data?.code ?? null

describe('room policy table', () => {
  it('lets managers manage and members talk, in an open group room', () => {
    for (const action of [
      'add_member',
      'kick',
      'promote',
      'rename',
      'archive',
      'unarchive',
      'rotate_join_code',
      'delete_any'
    ] as const) {
      assert.equal(code(action, group('owner')), null, action)
      assert.equal(code(action, group('admin')), null, action)
      assert.equal(code(action, group('member')), 'room_role_required', action)
    }
    for (const action of ['send', 'typing', 'leave', 'read'] as const) {
      for (const role of roomRoles) assert.equal(code(action, group(role)), null, `${role} ${action}`)
    }
  })

  it('keeps ownership for owners: admins hear owner_required, members room_role_required', () => {
    for (const action of ['kick_owner', 'transfer_ownership'] as const) {
      assert.equal(code(action, group('owner')), null)
      assert.equal(code(action, group('admin')), 'owner_required')
      assert.equal(code(action, group('member')), 'room_role_required')
    }
  })

  it('makes an archived room read-only, but leaves moderation and leaving possible', () => {
    const archived = { archived: true }
    for (const action of ['send', 'edit_own', 'unsend_own', 'typing', 'rename', 'add_member'] as const)
      assert.equal(code(action, group('owner', { ...archived, own: true })), 'room_archived', action)
    assert.equal(code('join', group(null, archived)), 'room_archived')
    for (const action of [
      'read',
      'delete_any',
      'kick',
      'promote',
      'leave',
      'mute',
      'archive',
      'unarchive',
      'rotate_join_code'
    ] as const)
      assert.equal(code(action, group('owner', { ...archived, own: true })), null, action)
  })

  it('lets a block between the two people of a DM stop contact, and nothing in group rooms', () => {
    const blocked = { blocked: true, own: true }
    for (const action of ['send', 'edit_own', 'typing', 'open_dm'] as const)
      assert.equal(code(action, dm(blocked)), 'blocked', action)
    for (const action of ['read', 'unsend_own', 'mute'] as const)
      assert.equal(code(action, dm(blocked)), null, action)
    for (const action of roomActions)
      for (const role of roomRoles)
        assert.equal(
          code(action, group(role, blocked)),
          code(action, group(role, { own: true })),
          `${role} ${action}`
        )
  })

  it('keeps a DM two people without roles or a name', () => {
    for (const action of [
      'leave',
      'kick',
      'add_member',
      'promote',
      'transfer_ownership',
      'rename',
      'archive',
      'rotate_join_code',
      'join'
    ] as const)
      assert.equal(code(action, dm()), 'dm_immutable', action)
    assert.equal(code('delete_any', dm()), 'room_role_required')
  })

  it('answers in a fixed order: DM shape, ownership of the target, role, archive, block', () => {
    assert.equal(code('kick', dm({ archived: true })), 'dm_immutable')
    assert.equal(code('edit_own', group('member', { own: false, archived: true })), 'not_sender')
    assert.equal(code('mute', group('owner', { own: false })), 'not_owner')
    assert.equal(code('add_member', group('member', { archived: true })), 'room_role_required')
    assert.equal(code('send', dm({ archived: true, blocked: true })), 'room_archived')
  })

  it('names every action with all four answers', () => {
    for (const action of roomActions) {
      const rule = roomPolicy[action]
      assert.ok(rule.roles === 'anyone' || rule.roles.length > 0, action)
      assert.ok(
        ['allowed', 'refused'].includes(rule.archived) && ['allowed', 'refused'].includes(rule.blocked)
      )
      assert.ok(['allowed', 'immutable'].includes(rule.dm))
    }
  })
})
