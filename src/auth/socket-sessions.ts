// Socket sends skip the per-call authentication query: a connection remembers what its access token last
// authenticated to, and messages.create checks the session inside the send statement instead (issue 12).
import type { HookContext } from '../declarations'

// Why only sends: they are the hot path (one query less per message, and one pool checkout less), and the
// send statement can check the session, the account's status and its org under the same snapshot as the
// membership, so nothing stale can pass: a revoked session, a suspended account or a changed org answers
// exactly as the full authentication would (messages.class.ts re-authenticates when the check fails).
interface Remembered {
  accessToken: string
  result: { accessToken: string; authentication: any; user: any }
  expiresAt: number
}

const remembered = new WeakMap<object, Remembered>()

const connectionOf = (context: HookContext): object | undefined => {
  const { provider, connection } = context.params as any
  return provider === 'socketio' && connection && typeof connection === 'object' ? connection : undefined
}

// After a full JWT authentication on a socket: remember it for this connection's token.
export const rememberSocketAuthentication = (context: HookContext) => {
  const connection = connectionOf(context)
  const params = context.params as any
  const payload = params.authentication?.payload
  if (!connection || params.authentication?.strategy !== 'jwt' || !params.user || !payload?.sid) return
  remembered.set(connection, {
    accessToken: params.authentication.accessToken,
    result: { accessToken: params.accessToken, authentication: params.authentication, user: params.user },
    expiresAt: payload.exp * 1000
  })
}

export const forgetSocketAuthentication = (connection: unknown) => {
  if (connection && typeof connection === 'object') remembered.delete(connection)
}

// A socket send with the connection's remembered token: the authentication result, and the session the send
// must check. Anything else (another token, an expired one, another call) authenticates in full.
export const rememberedForSend = (context: HookContext) => {
  if (context.path !== 'messages' || context.method !== 'create') return undefined
  const connection = connectionOf(context)
  const token = (context.params as any).authentication?.accessToken
  const entry = connection && remembered.get(connection)
  if (!entry || !token || entry.accessToken !== token || entry.expiresAt <= Date.now()) return undefined
  return { ...entry.result, sessionToCheck: entry.result.authentication.payload.sid as string }
}
