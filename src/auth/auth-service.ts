// The `authentication` service: every login opens a session whose id (`sid`) rides in the access token,
// so logout and refresh-token re-use can end it; access tokens stay short-lived (15 minutes).
import { AuthenticationService } from '@feathersjs/authentication'
import type {
  AuthenticationParams,
  AuthenticationRequest,
  AuthenticationResult
} from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import jwt from 'jsonwebtoken'
import type { Secret, SignOptions } from 'jsonwebtoken'
import { createSecretKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { JwtVerifyOptions } from '@feathersjs/authentication'
import { createSession, revokeSession } from './sessions'
import { disconnectSession } from '../realtime/membership'
import { socketOf } from '../realtime/sockets'
import { askForRooms } from './login-rooms'

export class ChatAuthenticationService extends AuthenticationService {
  private secretKey?: KeyObject

  // jsonwebtoken turns a string secret into a key on every call, first by trying it as a public key and
  // catching the failure: that showed as 12% of server CPU under load. One KeyObject, made once, avoids it.
  private get key(): KeyObject {
    return (this.secretKey ??= createSecretKey(Buffer.from(this.configuration.secret)))
  }

  override async createAccessToken(
    payload: string | Buffer | object,
    optsOverride?: SignOptions,
    secretOverride?: Secret
  ) {
    return super.createAccessToken(payload, optsOverride, secretOverride ?? this.key)
  }

  override async verifyAccessToken(
    accessToken: string,
    optsOverride?: JwtVerifyOptions,
    secretOverride?: Secret
  ) {
    return super.verifyAccessToken(accessToken, optsOverride, secretOverride ?? this.key)
  }

  override async create(
    data: AuthenticationRequest,
    params: AuthenticationParams = {}
  ): Promise<AuthenticationResult> {
    const authStrategies = params.authStrategies || this.configuration.authStrategies
    if (!authStrategies.length) throw new NotAuthenticated('No authentication strategies allowed')
    // A socket's login also reads the rooms its channels join (auth/login-rooms.ts).
    const authResult = await this.authenticate(data, askForRooms(params), ...authStrategies)
    // Re-authenticating a socket with a still valid access token keeps that token and its session.
    if (authResult.accessToken) return authResult
    const user = authResult.user
    if (!user) throw new NotAuthenticated('No user for this login', { code: 'not_authenticated' })
    let { sessionId } = authResult.authentication ?? {}
    let refreshToken: string | undefined = authResult.refreshToken
    if (!sessionId) {
      const session = await createSession(
        this.app.get('postgresqlClient'),
        user.id,
        authResult.authentication?.strategy ?? 'unknown',
        this.configuration.refreshTokenDays as number
      )
      sessionId = session.sessionId
      refreshToken = session.refreshToken
    }
    const payload = { ...(await this.getPayload(authResult, params)), sid: sessionId }
    const jwtOptions = await this.getTokenOptions(authResult, params)
    const accessToken = await this.createAccessToken(payload, jwtOptions, params.secret)
    return {
      accessToken,
      ...authResult,
      refreshToken,
      authentication: { ...authResult.authentication, payload: jwt.decode(accessToken) }
    }
  }

  // Logout: verifies the access token like Feathers does, then ends its session so the refresh token dies too.
  override async remove(id: string | null, params: AuthenticationParams): Promise<AuthenticationResult> {
    if (!params.authentication) throw new NotAuthenticated('Not authenticated', { code: 'not_authenticated' })
    const result = await super.remove(id, params)
    const sid = result.authentication?.payload?.sid
    if (sid) {
      await revokeSession(this.app.get('postgresqlClient'), sid, 'logout')
      disconnectSession(this.app as any, sid, socketOf(params.connection)?.id)
    }
    return result
  }
}
