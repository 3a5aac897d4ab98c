// Finds, links or creates the ChatBoard account for an OAuth / OpenID Connect identity, in one transaction.
import crypto from 'node:crypto'
import { BadRequest, Conflict, Forbidden } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { recordAudit } from '../audit'
import { cleanText } from '../hooks/normalize-text'
import { USERNAME_PATTERN } from '../services/users/users.schema'
import { assertActive } from './account-status'
import { revokeUserSessions } from './sessions'

export interface OAuthIdentity {
  provider: string
  column: 'google_id' | 'oidc_id'
  subject: string
  email: string | null
  emailVerified: boolean
  name: string | null
  picture: string | null
}

export interface OAuthAccount {
  user: any
  // The account had a password set by someone who never proved they own its email; it was cleared.
  passwordCleared: boolean
}

const USERNAME = new RegExp(USERNAME_PATTERN)

// The email's local part (or the name), reduced to what usernames allow.
const usernameBase = (identity: OAuthIdentity) => {
  const source = identity.email?.split('@')[0] || identity.name || 'user'
  const base = source
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '')
    .replace(/^[._-]+/, '')
    .slice(0, 24)
  return USERNAME.test(base) ? base : 'user'
}

const uniqueUsername = async (trx: Knex.Transaction, identity: OAuthIdentity) => {
  const base = usernameBase(identity)
  let candidate = base
  for (let attempt = 0; attempt < 8; attempt++) {
    const taken = await trx('users').whereRaw('lower(username) = ?', [candidate]).first('id')
    if (!taken) return candidate
    candidate = `${base}-${crypto.randomBytes(3).toString('hex')}`
  }
  throw new Conflict('Could not find a free username', { code: 'username_taken' })
}

const avatarOf = (picture: string | null) => {
  if (!picture || picture.length > 2048) return null
  try {
    return /^https?:$/.test(new URL(picture).protocol) ? picture : null
  } catch {
    return null
  }
}

// `seen.userId` is set as soon as the account is known, so a refused login can still be audited against it.
export const resolveOAuthAccount = async (
  db: Knex,
  identity: OAuthIdentity,
  ip: string | null,
  seen: { userId?: string } = {}
): Promise<OAuthAccount> =>
  db.transaction(async (trx) => {
    const { provider, column, subject, email } = identity
    // A known identity signs in whatever its email is now: the binding was made when it was verified.
    const linked = await trx('users')
      .where({ [column]: subject })
      .forUpdate()
      .first()
    if (linked) {
      seen.userId = linked.id
      assertActive(linked)
      return { user: linked, passwordCleared: false }
    }
    if (!email) {
      throw new BadRequest('The provider did not share an email address', { code: 'oauth_email_missing' })
    }
    // An unverified address proves nothing about who owns it: it neither links to an account nor creates one
    // (which would squat the address). One answer for both cases, so it does not reveal whether one exists.
    if (!identity.emailVerified) {
      throw new Forbidden(`Your ${provider} email address is not verified`, {
        code: 'oauth_email_unverified'
      })
    }
    const existing = await trx('users').whereRaw('lower(email) = ?', [email]).forUpdate().first()
    if (existing) {
      seen.userId = existing.id
      if (existing[column]) {
        throw new Conflict(`This account is already linked to another ${provider} login`, {
          code: 'oauth_identity_conflict'
        })
      }
      assertActive(existing)
      // Pre-account-hijacking defence: whoever registered this email with a password never proved they own
      // it, while the provider just did. Their password and sessions end; the owner keeps the account.
      const passwordCleared = !existing.email_verified && existing.password !== null
      const [user] = await trx('users')
        .where({ id: existing.id })
        .update({
          [column]: subject,
          email_verified: true,
          ...(passwordCleared ? { password: null } : {}),
          updated_at: trx.fn.now()
        })
        .returning('*')
      if (!existing.email_verified) await revokeUserSessions(trx, existing.id, 'oauth_link')
      await recordAudit(trx, {
        org_id: existing.org_id,
        actor_id: existing.id,
        action: 'user.oauth_linked',
        target: existing.id,
        meta: { strategy: provider, password_cleared: passwordCleared },
        ip
      })
      return { user, passwordCleared }
    }
    const username = await uniqueUsername(trx, identity)
    const name = cleanText(identity.name ?? '', 'line').slice(0, 80) || username
    const [user] = await trx('users')
      .insert({
        email,
        username,
        name,
        password: null,
        email_verified: true,
        avatar_url: avatarOf(identity.picture),
        [column]: subject
      })
      .returning('*')
    seen.userId = user.id
    return { user, passwordCleared: false }
  })
