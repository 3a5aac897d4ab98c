// Login sessions and their refresh tokens: rotation on use, family revocation on re-use, logout.
import { NotAuthenticated } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { randomToken, sha256 } from './tokens'

export interface SessionTokens {
  sessionId: string
  refreshToken: string
}

const DAY_MS = 24 * 60 * 60 * 1000

export const REVOKED_SESSION = Symbol('revoked-session')

const issueToken = async (db: Knex, sessionId: string, ttlDays: number) => {
  const refreshToken = randomToken(32)
  await db('refresh_tokens').insert({
    session_id: sessionId,
    token_hash: sha256(refreshToken),
    expires_at: new Date(Date.now() + ttlDays * DAY_MS)
  })
  return refreshToken
}

export const createSession = async (
  db: Knex,
  userId: string,
  strategy: string,
  ttlDays: number
): Promise<SessionTokens> =>
  db.transaction(async (trx) => {
    const [session] = await trx('auth_sessions').insert({ user_id: userId, strategy }).returning('id')
    return { sessionId: session.id, refreshToken: await issueToken(trx, session.id, ttlDays) }
  })

export const revokeSession = async (db: Knex, sessionId: string, reason: string) => {
  await db('auth_sessions').where({ id: sessionId }).whereNull('revoked_at').update({
    revoked_at: db.fn.now(),
    revoked_reason: reason
  })
}

const refused = (message: string, code: string) => new NotAuthenticated(message, { code })

// Exchanges a refresh token for a new one in the same session. The row lock makes concurrent uses of one
// token serialize, so exactly one wins and the other is treated as re-use (as OAuth 2 security BCP advises).
export const rotateRefreshToken = async (
  db: Knex,
  token: string,
  ttlDays: number
): Promise<SessionTokens & { userId: string }> => {
  const outcome = await db.transaction(async (trx) => {
    const row = await trx('refresh_tokens as t')
      .join('auth_sessions as s', 's.id', 't.session_id')
      .select('t.id', 't.session_id', 't.expires_at', 't.used_at', 's.user_id', 's.revoked_at')
      .where('t.token_hash', sha256(token))
      .forUpdate('t')
      .first()
    if (!row) return { error: refused('Invalid refresh token', 'invalid_refresh_token') }
    if (row.revoked_at) return { error: refused('This session has ended', 'session_revoked') }
    if (row.used_at) {
      // A rotated token came back: it was stolen or replayed, so the whole family is revoked.
      await revokeSession(trx, row.session_id, 'refresh_token_reuse')
      const error = refused('Refresh token was already used; session revoked', 'refresh_token_reused')
      // Not in the error's data (that goes to the client): the caller ends the session's live sockets.
      Object.defineProperty(error, REVOKED_SESSION, { value: row.session_id })
      return { error }
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) {
      return { error: refused('Refresh token expired', 'refresh_token_expired') }
    }
    await trx('refresh_tokens').where({ id: row.id }).update({ used_at: trx.fn.now() })
    const refreshToken = await issueToken(trx, row.session_id, ttlDays)
    return { value: { sessionId: row.session_id as string, refreshToken, userId: row.user_id as string } }
  })
  // Thrown only after commit, so a detected re-use stays revoked.
  if ('error' in outcome) throw outcome.error
  return outcome.value!
}

// Ends every session of a user (suspension, ban): their refresh tokens and access tokens stop working.
export const revokeUserSessions = async (db: Knex, userId: string, reason: string) => {
  await db('auth_sessions').where({ user_id: userId }).whereNull('revoked_at').update({
    revoked_at: db.fn.now(),
    revoked_reason: reason
  })
}
