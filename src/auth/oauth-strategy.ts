// Login with Google or a generic OpenID Connect provider: profile -> ChatBoard account, audit, and a redirect
// that carries the access token AND the refresh token back to the front end.
import { OAuthStrategy } from '@feathersjs/authentication-oauth'
import type {
  AuthenticationParams,
  AuthenticationRequest,
  AuthenticationResult
} from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import { recordAudit } from '../audit'
import { toFeathersError } from '../errors'
import { disconnectUser } from '../realtime/membership'
import type { Application } from '../declarations'
import { resolveOAuthAccount } from './oauth-account'
import type { OAuthIdentity } from './oauth-account'

// Provider name -> users column with the provider's stable subject id (`sub`).
export const PROVIDER_COLUMNS = { google: 'google_id', oidc: 'oidc_id' } as const
export type OAuthProviderName = keyof typeof PROVIDER_COLUMNS

const EMAIL = /^[^\s@]+@[^\s@]+$/

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null)

export class ChatOAuthStrategy extends OAuthStrategy {
  private get db() {
    return (this.app as Application).get('postgresqlClient')
  }

  // Grant hands over the userinfo response (`profile`) and the decoded ID token (`jwt.id_token`, whose audience
  // and nonce Grant has checked). Userinfo wins; the ID token fills gaps. Both come straight from the provider
  // over TLS, never through the browser.
  identityOf(data: AuthenticationRequest): OAuthIdentity {
    const profile = data.profile
    if (!profile || typeof profile !== 'object' || profile.error) {
      throw new NotAuthenticated('Could not read your profile from the provider', {
        code: 'oauth_profile_unavailable'
      })
    }
    const idToken = data.jwt?.id_token?.payload ?? {}
    const subject = text(String(profile.sub ?? profile.id ?? ''))
    if (!subject || subject.length > 255) {
      throw new NotAuthenticated('The provider did not identify the user', { code: 'oauth_profile_invalid' })
    }
    // OpenID Connect Core 5.3.2: the userinfo `sub` must be the ID token's, or the responses are mixed up.
    if (idToken.sub !== undefined && String(idToken.sub) !== subject) {
      throw new NotAuthenticated('The ID token and the profile name different users', {
        code: 'oauth_subject_mismatch'
      })
    }
    const claims = { ...idToken, ...profile }
    const email = text(claims.email)?.toLowerCase() ?? null
    const verified = claims.email_verified ?? claims.verified_email // Google's older userinfo says verified_email
    const fullName = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ')
    return {
      provider: this.name!,
      column: PROVIDER_COLUMNS[this.name as OAuthProviderName],
      subject,
      email: email && email.length <= 254 && EMAIL.test(email) ? email : null,
      emailVerified: verified === true || verified === 'true',
      name: text(claims.name) ?? (fullName || text(claims.preferred_username)),
      picture: text(claims.picture)
    }
  }

  // Linking happens only through a verified email, never through a `feathers_token` (ignored here), so a
  // stolen or replayed access token cannot attach someone else's provider login to an account.
  override async authenticate(authentication: AuthenticationRequest, params: AuthenticationParams) {
    const ip = params.ip ?? null
    const strategy = this.name!
    const seen: { userId?: string } = {}
    try {
      const identity = this.identityOf(authentication)
      const { user, passwordCleared } = await resolveOAuthAccount(this.db, identity, ip, seen)
      if (passwordCleared) disconnectUser(this.app as Application, user.id)
      await recordAudit(this.db, {
        org_id: user.org_id,
        actor_id: user.id,
        action: 'login.succeeded',
        target: user.id,
        meta: { strategy },
        ip
      })
      return { authentication: { strategy }, user: await this.app!.service('users').get(user.id) }
    } catch (thrown) {
      const error = toFeathersError(thrown)
      const user = seen.userId
        ? await this.db('users').select('org_id').where({ id: seen.userId }).first()
        : null
      await recordAudit(this.db, {
        org_id: user?.org_id ?? null,
        actor_id: seen.userId ?? null,
        action: 'login.failed',
        target: text(authentication.profile?.email)?.slice(0, 254) ?? null,
        meta: { strategy, reason: error.data?.code },
        ip
      })
      throw error
    }
  }

  // Feathers puts `access_token` (or `error`) in the URL fragment of the front-end redirect; the refresh token
  // goes next to it (`refresh_token`), and a refused login gets its stable `error_code`. A fragment never
  // reaches a server; the front end should read it and then clear it with history.replaceState.
  override async getRedirect(data: AuthenticationResult | Error, params?: AuthenticationParams) {
    const error = data instanceof Error ? toFeathersError(data) : null
    const location = await super.getRedirect(error ?? data, params)
    if (!location) return location
    const extra = error
      ? { error_code: error.data?.code }
      : { refresh_token: (data as AuthenticationResult).refreshToken }
    const pairs = Object.entries(extra).filter(([, value]) => typeof value === 'string' && value)
    return pairs.reduce(
      (url, [key, value]) => `${url}&${key}=${encodeURIComponent(value as string)}`,
      location
    )
  }
}
