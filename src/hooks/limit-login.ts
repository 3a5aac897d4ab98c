// Limits FAILED password logins per email+IP and per client IP. This hook refuses a key that has already spent
// its budget, before any password is checked; only a wrong password (or an unknown email) spends a point
// (ChatLocalStrategy calls `spendFailedLogin`), so a successful login costs nothing and nobody can lock an
// account out from another address.
import { assertUnder, penalize } from '../rate-limits'
import type { Application, HookContext } from '../declarations'

const keys = (email: unknown, ip: unknown) => {
  const address = typeof ip === 'string' ? ip : ''
  const normalized = typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : ''
  return { ip: address, emailKey: `${normalized}|${address}` }
}

export const limitLogin = async (context: HookContext) => {
  const data = context.data as { strategy?: unknown; email?: unknown }
  if (!context.params.provider || data?.strategy !== 'local') return
  const limiters = context.app.get('limiters')
  const { ip, emailKey } = keys(data.email, context.params.ip)
  if (ip) await assertUnder(limiters.loginIp, ip, 'login attempts from this address')
  await assertUnder(limiters.loginEmail, emailKey, 'login attempts for this account')
}

export const spendFailedLogin = async (app: Application, email: unknown, ip: unknown) => {
  const limiters = app.get('limiters')
  const k = keys(email, ip)
  await Promise.all([
    k.ip ? penalize(limiters.loginIp, k.ip) : null,
    penalize(limiters.loginEmail, k.emailKey)
  ])
}
