// Access-token strategy that also refuses tokens of ended sessions (logout, re-use) and of inactive accounts.
import { JWTStrategy } from '@feathersjs/authentication'
import type { AuthenticationParams, AuthenticationRequest } from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import { assertActive } from './account-status'
import { isSessionActive } from './sessions'

export class SessionJwtStrategy extends JWTStrategy {
  override async authenticate(authentication: AuthenticationRequest, params: AuthenticationParams) {
    let result: Awaited<ReturnType<JWTStrategy['authenticate']>> & { user?: any }
    try {
      result = await super.authenticate(authentication, params)
    } catch (error: any) {
      const expired = /expired/i.test(error?.message ?? '')
      throw new NotAuthenticated(expired ? 'Access token expired' : 'Invalid access token', {
        code: expired ? 'token_expired' : 'invalid_token'
      })
    }
    const sid = result.authentication?.payload?.sid
    if (!sid || !(await isSessionActive(this.app!.get('postgresqlClient'), sid))) {
      throw new NotAuthenticated('This session has ended', { code: 'session_revoked' })
    }
    assertActive(result.user)
    return result
  }
}
