// `X-API-Key` header authentication for scripts: the key acts for its org within its scopes, and as its bot
// user in rooms and messages (REST only).
import { AuthenticationBaseStrategy } from '@feathersjs/authentication'
import type { AuthenticationRequest, AuthenticationResult } from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import type { IncomingMessage } from 'node:http'
import type { ApiKeyPrincipal } from './principal'
import { safeEqual, sha256 } from './tokens'

export const API_KEY_PATTERN = /^cbk_([A-Za-z0-9]{12})_[A-Za-z0-9_-]{32,64}$/

// Writing last_used_at on every request would turn reads into writes; once a minute is enough to be useful.
const LAST_USED_RESOLUTION_MS = 60_000

export class ApiKeyStrategy extends AuthenticationBaseStrategy {
  async parse(req: IncomingMessage) {
    const value = req.headers['x-api-key']
    return typeof value === 'string' && value ? { strategy: this.name!, apiKey: value } : null
  }

  async authenticate(authentication: AuthenticationRequest): Promise<AuthenticationResult> {
    const invalid = new NotAuthenticated('Invalid API key', { code: 'invalid_api_key' })
    const key = authentication.apiKey
    const match = typeof key === 'string' ? API_KEY_PATTERN.exec(key) : null
    if (!match) throw invalid
    const db = this.app!.get('postgresqlClient')
    // The key and its bot in one query (the bot's password column is always null; it is left out anyway).
    const row = await db('api_keys as k')
      .leftJoin('users as u', 'u.id', 'k.bot_user_id')
      .where({ 'k.prefix': match[1] })
      .first('k.*', db.raw(`case when u.id is null then null else to_jsonb(u) - 'password' end as bot`))
    if (!row || row.revoked_at || !safeEqual(row.key_hash, sha256(key))) throw invalid
    const lastUsed = row.last_used_at ? new Date(row.last_used_at).getTime() : 0
    if (Date.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
      await db('api_keys').where({ id: row.id }).update({ last_used_at: db.fn.now() })
    }
    const apiKey: ApiKeyPrincipal = {
      id: row.id,
      org_id: row.org_id,
      name: row.name,
      scopes: row.scopes,
      bot: row.bot ?? null
    }
    return { authentication: { strategy: this.name! }, apiKey }
  }
}
