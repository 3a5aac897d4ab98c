// Limits password logins per email and per client IP, before any password is checked.
import { consume } from '../rate-limits'
import type { HookContext } from '../declarations'

export const limitLogin = async (context: HookContext) => {
  const data = context.data as { strategy?: unknown; email?: unknown }
  if (!context.params.provider || data?.strategy !== 'local') return
  const limiters = context.app.get('limiters')
  if (context.params.ip)
    await consume(limiters.loginIp, context.params.ip, 'login attempts from this address')
  if (typeof data.email === 'string' && data.email) {
    await consume(
      limiters.loginEmail,
      data.email.trim().toLowerCase().slice(0, 254),
      'login attempts for this account'
    )
  }
}
