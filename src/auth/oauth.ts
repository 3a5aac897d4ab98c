// OAuth 2 / OpenID Connect wiring: which providers are enabled, their Grant settings, the /oauth routes.
//
// Self-hosting (all under `authentication.oauth` in config/, or the environment variables named):
// - `google.key` / `google.secret` (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET): Google sign-in.
// - `oidc.key`, `oidc.secret`, `oidc.authorize_url`, `oidc.access_url`, `oidc.profile_url` (OIDC_CLIENT_ID,
//   OIDC_CLIENT_SECRET, OIDC_AUTHORIZE_URL, OIDC_ACCESS_URL, OIDC_PROFILE_URL): any one OpenID Connect provider
//   (Keycloak, Authentik, Auth0, ...); `oidc.scope` defaults to openid email profile. profile_url is the
//   provider's userinfo endpoint. Exactly one generic provider, because users.oidc_id holds one subject.
// - `origins` (OAUTH_ORIGINS, a JSON array): the front-end origins the browser is sent back to; the first
//   one unless the login page's Referer is another allowed origin. `?redirect=/path` picks the path there.
// - top-level `publicUrl` (PUBLIC_URL): the callback registered at the provider is
//   `<publicUrl>/oauth/<google|oidc>/callback`.
// A provider without a `key` is not enabled; with none enabled there are no /oauth routes at all.
import { oauth } from '@feathersjs/authentication-oauth'
import { MethodNotAllowed } from '@feathersjs/errors'
import type { Application, HookContext } from '../declarations'
import { notFound } from '../errors'
import type { ChatAuthenticationService } from './auth-service'
import { ChatOAuthStrategy, PROVIDER_COLUMNS } from './oauth-strategy'
import type { OAuthProviderName } from './oauth-strategy'

type ProviderConfig = Record<string, unknown>

// `state` guards the callback against login CSRF, `nonce` binds the ID token to this browser session and
// PKCE binds the code to it too; Grant checks all three. `jwt` makes Grant decode the ID token for us.
const GRANT_DEFAULTS = { transport: 'state', state: true, response: ['tokens', 'jwt', 'profile'] }

const OIDC_SCOPE = ['openid', 'email', 'profile']

const PROVIDER_DEFAULTS: Record<OAuthProviderName, ProviderConfig> = {
  // Grant knows Google's endpoints (its profile_url is the OpenID Connect userinfo endpoint).
  google: { scope: OIDC_SCOPE, nonce: true, pkce: true },
  // OAuth scopes are space-delimited; Grant's default delimiter for unknown providers is a comma.
  oidc: { oauth: 2, scope_delimiter: ' ', scope: OIDC_SCOPE, nonce: true, pkce: true }
}

const REQUIRED: Record<OAuthProviderName, string[]> = {
  google: ['secret'],
  oidc: ['secret', 'authorize_url', 'access_url', 'profile_url']
}

const isSet = (value: unknown) => typeof value === 'string' && value.trim() !== ''

// Enabled providers with their complete Grant settings; a misconfigured one stops the start with a clear message.
export const enabledOAuthProviders = (app: Application): Record<string, ProviderConfig> => {
  const settings = (app.get('authentication')?.oauth ?? {}) as Record<string, any>
  const enabled: Record<string, ProviderConfig> = {}
  for (const name of Object.keys(PROVIDER_COLUMNS) as OAuthProviderName[]) {
    const configured: ProviderConfig = settings[name] ?? {}
    if (!isSet(configured.key)) continue
    const missing = REQUIRED[name].filter((key) => !isSet(configured[key]))
    if (missing.length) {
      throw new Error(`authentication.oauth.${name} has a key but no ${missing.join(', ')}`)
    }
    enabled[name] = { ...PROVIDER_DEFAULTS[name], ...configured }
  }
  return enabled
}

// Registers a strategy per enabled provider. Returns a function that mounts the /oauth routes, to be called
// once the authentication service is registered (the oauth plugin looks it up).
export const registerOAuth = (app: Application, auth: ChatAuthenticationService) => {
  const providers = enabledOAuthProviders(app)
  const names = Object.keys(providers)
  if (!names.length) return () => {}
  const config = app.get('authentication')!
  // A provider listed there could be called as POST /authentication { strategy, profile } with a made-up
  // profile; OAuth strategies must only ever run from the callback, which names them explicitly.
  const exposed = names.filter((name) => config.authStrategies.includes(name))
  if (exposed.length)
    throw new Error(`authentication.authStrategies must not list OAuth providers (${exposed})`)
  const { redirect, origins, defaults } = (config.oauth ?? {}) as Record<string, any>
  app.set('authentication', {
    ...config,
    oauth: {
      redirect,
      origins,
      // The callback URL is built from publicUrl: host and port are the listen address, not the public one.
      defaults: {
        ...GRANT_DEFAULTS,
        origin: app.get('publicUrl').replace(/\/+$/, ''),
        prefix: '/oauth',
        ...defaults
      },
      ...providers
    } as any
  })
  for (const name of names) auth.register(name, new ChatOAuthStrategy())
  // The routes take any :provider; one that is not enabled is a 404, not Grant's error redirect. The flow
  // needs the cookie session of an HTTP request; over Socket.IO there is none.
  const guard = async (context: HookContext) => {
    if (!names.includes(context.params.route?.provider)) throw notFound('No such login provider')
    if (!(context.params as any).session) {
      throw new MethodNotAllowed('OAuth login runs through HTTP redirects only', {
        code: 'method_not_allowed'
      })
    }
  }
  return () => {
    app.configure(oauth({ linkStrategy: 'jwt' }))
    for (const path of ['oauth/:provider', 'oauth/:provider/callback']) {
      app.service(path as any).hooks({ before: { all: [guard] } })
    }
  }
}
