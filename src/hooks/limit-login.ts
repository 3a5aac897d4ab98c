// Limits FAILED password logins per email+IP and per client IP: an over-budget key is refused before any
// password is checked; only a wrong password (or unknown email) spends a point, so a successful login costs
// nothing and nobody can lock an account out from another address.
import { assertUnder, penalize } from '../rate-limits'
import type { HookContext, NextFunction } from '../declarations'

export const limitLogin = async (context: HookContext, next: NextFunction) => {
  const data = context.data as { strategy?: unknown; email?: unknown }
  if (!context.params.provider || data?.strategy !== 'local') return next()
  const limiters = context.app.get('limiters')
  const ip: string = context.params.ip ?? ''
  const email = typeof data.email === 'string' ? data.email.trim().toLowerCase().slice(0, 254) : ''
  const emailKey = `${email}|${ip}`
  if (ip) await assertUnder(limiters.loginIp, ip, 'login attempts from this address')
  await assertUnder(limiters.loginEmail, emailKey, 'login attempts for this account')
  try {
    await next()
  } catch (error: any) {
    if (error?.data?.code === 'invalid_credentials') {
      await Promise.all([ip ? penalize(limiters.loginIp, ip) : null, penalize(limiters.loginEmail, emailKey)])
    }
    throw error
  }
}
