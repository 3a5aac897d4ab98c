// Access-token strategy that also refuses tokens of ended sessions (logout, re-use) and of inactive accounts.
// Sockets re-authenticate on every call, so this is a hot path: one query loads the user and checks the session
// (and, for a socket's login, reads its room ids: auth/login-rooms.ts), shared by the checks of a turn.
import { JWTStrategy } from '@feathersjs/authentication'
import type { AuthenticationParams, AuthenticationRequest } from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import { assertActive } from './account-status'
import { isUuid } from '../hooks/validate-id'
import { rememberRooms, roomsAsked } from './login-rooms'
import { sessionLoader } from './session-lookup'

export class SessionJwtStrategy extends JWTStrategy {
  private sessions?: ReturnType<typeof sessionLoader>

  override async authenticate(authentication: AuthenticationRequest, params: AuthenticationParams) {
    const { accessToken } = authentication
    if (!accessToken) throw new NotAuthenticated('No access token', { code: 'not_authenticated' })
    let payload: any
    try {
      payload = await this.authentication!.verifyAccessToken(accessToken, params.jwt)
    } catch (error: any) {
      const expired = /expired/i.test(error?.message ?? '')
      throw new NotAuthenticated(expired ? 'Access token expired' : 'Invalid access token', {
        code: expired ? 'token_expired' : 'invalid_token'
      })
    }
    // Every token this server signs expires; one without `exp` was not made here to be honoured forever.
    if (typeof payload?.exp !== 'number') {
      throw new NotAuthenticated('Invalid access token', { code: 'invalid_token' })
    }
    const ended = () => new NotAuthenticated('This session has ended', { code: 'session_revoked' })
    if (!isUuid(payload.sub) || !isUuid(payload.sid)) throw ended()
    // The same row the users service returns internally (its resolver only drops the password hash), loaded
    // with the other token checks of this turn in one statement (session-lookup.ts).
    const withRooms = roomsAsked(params)
    this.sessions ??= sessionLoader(() => this.app!.get('postgresqlClient'))
    const row = await this.sessions.load({ userId: payload.sub, sessionId: payload.sid, withRooms })
    if (!row) throw ended()
    const { password, _room_ids: rooms, ...user } = row
    void password
    assertActive(user)
    if (withRooms) rememberRooms(params, user.id, rooms)
    return { accessToken, authentication: { strategy: 'jwt', accessToken, payload }, user }
  }
}
