// Redeeming an invite token inside the caller's transaction: checks, marks it used and joins the org.
import { BadRequest, Conflict, Forbidden, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { recordAudit } from '../../audit'
import { sha256 } from '../../auth/tokens'

export interface Redeemer {
  id: string
  email: string
  org_id: string | null
}

export const redeemInvite = async (trx: Knex.Transaction, token: string, user: Redeemer, ip?: string) => {
  // The row lock makes two simultaneous redemptions of one token serialize: the second sees accepted_at.
  const invite = await trx('invites')
    .where({ token_hash: sha256(token) })
    .forUpdate()
    .first()
  if (!invite || invite.revoked_at) throw new NotFound('Invite not found', { code: 'invite_not_found' })
  if (invite.accepted_at) throw new Conflict('This invite was already used', { code: 'invite_used' })
  if (new Date(invite.expires_at).getTime() <= Date.now()) {
    throw new BadRequest('This invite has expired', { code: 'invite_expired' })
  }
  if (invite.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new Forbidden('This invite was sent to another email address', { code: 'invite_email_mismatch' })
  }
  if (user.org_id) {
    throw new Conflict('You are already a member of an organization', { code: 'already_in_org' })
  }
  await trx('invites').where({ id: invite.id }).update({ accepted_at: trx.fn.now(), accepted_by: user.id })
  const [joined] = await trx('users')
    .where({ id: user.id })
    .update({ org_id: invite.org_id, role: invite.role, updated_at: trx.fn.now() })
    .returning('*')
  await recordAudit(trx, {
    org_id: invite.org_id,
    actor_id: user.id,
    action: 'invite.accepted',
    target: invite.id,
    meta: { role: invite.role },
    ip
  })
  return { user: joined, invite }
}
