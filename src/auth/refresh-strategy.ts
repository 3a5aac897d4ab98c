// `strategy: 'refresh'`: trades a refresh token for a new access token and a rotated refresh token.
import { AuthenticationBaseStrategy } from '@feathersjs/authentication'
import type {
  AuthenticationParams,
  AuthenticationRequest,
  AuthenticationResult
} from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import { assertActive } from './account-status'
import { REVOKED_SESSION, rotateRefreshToken } from './sessions'
import { disconnectSession } from '../realtime/membership'
import { socketOf } from '../realtime/sockets'

export class RefreshStrategy extends AuthenticationBaseStrategy {
  async authenticate(
    data: AuthenticationRequest,
    params: AuthenticationParams = {}
  ): Promise<AuthenticationResult> {
    const token = data.refreshToken
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) {
      throw new NotAuthenticated('Invalid refresh token', { code: 'invalid_refresh_token' })
    }
    const app = this.app!
    const { sessionId, refreshToken, userId } = await rotateRefreshToken(
      app.get('postgresqlClient'),
      token,
      app.get('authentication')!.refreshTokenDays
    ).catch((error) => {
      // A stolen token came back: whoever holds the session's sockets is cut off too (the asking socket
      // still gets its answer).
      const revoked = error?.[REVOKED_SESSION]
      if (revoked) disconnectSession(app as any, revoked, socketOf(params.connection)?.id)
      throw error
    })
    const user = await app.service('users').get(userId)
    assertActive(user)
    return { authentication: { strategy: this.name, sessionId }, user, refreshToken }
  }
}
