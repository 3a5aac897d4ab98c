// Request budgets: per Socket.IO connection (all calls, and message sends with a burst allowance), and per
// caller over REST (user, API key, or IP when anonymous). Refused calls answer 429 before the method runs.
import { consume } from '../rate-limits'
import type { HookContext, NextFunction } from '../declarations'

// A stable key per connection object; the connection lives in this process only.
const connectionIds = new WeakMap<object, string>()
let nextConnectionId = 0
const connectionKey = (connection: object) => {
  let id = connectionIds.get(connection)
  if (!id) connectionIds.set(connection, (id = `${process.pid}:${++nextConnectionId}`))
  return id
}

// Runs before authentication, so a flood of unauthenticated calls is counted too.
export const limitSocketCalls = async (context: HookContext, next: NextFunction) => {
  const connection = context.params.connection
  if (context.params.provider === 'socketio' && connection && typeof connection === 'object') {
    const limiters = context.app.get('limiters')
    const key = connectionKey(connection)
    await consume(limiters.socketCalls, key, 'calls on this connection')
    if (context.path === 'messages' && context.method === 'create') {
      await consume(limiters.socketSends, key, 'messages sent')
    }
  }
  await next()
}

// Runs after authentication, so the budget is the caller's, not the address's.
export const limitRestCalls = async (context: HookContext, next: NextFunction) => {
  if (context.params.provider === 'rest') {
    const limiters = context.app.get('limiters')
    const { user, apiKey, ip } = context.params as any
    if (user?.id) await consume(limiters.restUser, user.id, 'requests')
    else if (apiKey?.id) await consume(limiters.restApiKey, apiKey.id, 'requests for this API key')
    else await consume(limiters.restAnonymous, ip || 'unknown', 'requests from this address')
  }
  await next()
}
