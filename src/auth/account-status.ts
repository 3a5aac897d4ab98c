// Suspended and banned accounts are refused everywhere: login, refresh, and every authenticated call.
import { Forbidden } from '@feathersjs/errors'

export const assertActive = (user: { status?: string } | undefined) => {
  if (user && user.status !== 'active') {
    throw new Forbidden(`This account is ${user.status}`, { code: `account_${user.status}` })
  }
}
