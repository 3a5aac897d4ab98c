// Deny by default: every external call must carry a valid access token or API key, except the few
// methods listed here (registering, logging in, OAuth redirects).
import { authenticate } from '@feathersjs/authentication'
import type { HookContext, NextFunction } from '../declarations'
import { rememberSocketAuthentication, rememberedForSend } from '../auth/socket-sessions'

export const publicMethods: Record<string, string[]> = {
  users: ['create'],
  // The authentication service checks credentials itself; logout verifies the token it ends.
  authentication: ['create', 'remove'],
  'oauth/:provider': ['find', 'get'],
  // The provider's redirect back (GET, or POST for response_mode=form_post); Grant checks state and nonce.
  'oauth/:provider/callback': ['find', 'create']
}

const check = authenticate('jwt', 'api-key')

export const authenticateExternal = async (context: HookContext, next: NextFunction) => {
  if (!context.params.provider || publicMethods[context.path]?.includes(context.method)) return next()
  // A socket send with the token this connection authenticated last: its session is checked by the send
  // statement itself (src/auth/socket-sessions.ts).
  const remembered = rememberedForSend(context)
  if (remembered) {
    context.params = { ...context.params, ...remembered, authenticated: true }
    return next()
  }
  return check(context as any, async () => {
    rememberSocketAuthentication(context)
    await next()
  })
}
