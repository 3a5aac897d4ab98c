// `strategy: 'refresh'`: trades a refresh token for a new access token and a rotated refresh token.
import { AuthenticationBaseStrategy } from '@feathersjs/authentication'
import type { AuthenticationRequest, AuthenticationResult } from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import { assertActive } from './account-status'
import { rotateRefreshToken } from './sessions'

export class RefreshStrategy extends AuthenticationBaseStrategy {
  async authenticate(data: AuthenticationRequest): Promise<AuthenticationResult> {
    const token = data.refreshToken
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) {
      throw new NotAuthenticated('Invalid refresh token', { code: 'invalid_refresh_token' })
    }
    const app = this.app!
    const { sessionId, refreshToken, userId } = await rotateRefreshToken(
      app.get('postgresqlClient'),
      token,
      app.get('authentication')!.refreshTokenDays
    )
    const user = await app.service('users').get(userId)
    assertActive(user)
    return { authentication: { strategy: this.name, sessionId }, user, refreshToken }
  }
}
