// Authentication wiring: JWT access tokens with sessions, email/password, refresh tokens, API keys and OAuth.
import type { Application } from './declarations'
import { ChatAuthenticationService } from './auth/auth-service'
import { SessionJwtStrategy } from './auth/jwt-strategy'
import { ChatLocalStrategy } from './auth/local-strategy'
import { setPasswordConcurrency } from './auth/passwords'
import { RefreshStrategy } from './auth/refresh-strategy'
import { ApiKeyStrategy } from './auth/api-key-strategy'
import { limitLogin } from './hooks/limit-login'
import { requireStrategy } from './hooks/require-strategy'
import { registerOAuth } from './auth/oauth'

declare module './declarations' {
  interface ServiceTypes {
    authentication: ChatAuthenticationService
  }
}

export const authentication = (app: Application) => {
  setPasswordConcurrency(app.get('passwords').concurrency)
  const auth = new ChatAuthenticationService(app)
  auth.register('jwt', new SessionJwtStrategy())
  auth.register('local', new ChatLocalStrategy())
  auth.register('refresh', new RefreshStrategy())
  auth.register('api-key', new ApiKeyStrategy())
  const mountOAuth = registerOAuth(app, auth)
  app.use('authentication', auth)
  app.service('authentication').hooks({ before: { create: [requireStrategy, limitLogin] } })
  mountOAuth()
}
