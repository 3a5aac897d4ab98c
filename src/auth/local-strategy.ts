// Email + password login. Reads the hash straight from the table so the users service never returns it.
import { LocalStrategy } from '@feathersjs/authentication-local'
import type { AuthenticationRequest } from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import bcrypt from 'bcryptjs'
import { recordAudit } from '../audit'
import { assertActive } from './account-status'
import { spendFailedLogin } from '../hooks/limit-login'

// Compared against when the email is unknown, so a miss costs as long as a wrong password: made with the
// configured cost (hashSize), since bcrypt's time is set by the cost stored in the hash.
const dummyHashes = new Map<number, Promise<string>>()
const dummyHash = (cost: number) => {
  if (!dummyHashes.has(cost)) dummyHashes.set(cost, bcrypt.hash('not-a-real-password', cost))
  return dummyHashes.get(cost)!
}

export class ChatLocalStrategy extends LocalStrategy {
  private get db() {
    return this.app!.get('postgresqlClient')
  }

  override async findEntity(email: string) {
    const row =
      typeof email === 'string' && email
        ? await this.db('users').whereRaw('lower(email) = lower(?)', [email]).first()
        : null
    if (!row) {
      await bcrypt.compare('x', await dummyHash(this.configuration.hashSize ?? 10))
      throw new NotAuthenticated('Invalid email or password', { code: 'invalid_credentials' })
    }
    return row
  }

  override async comparePassword(entity: any, password: string) {
    try {
      return await super.comparePassword(entity, password)
    } catch {
      throw new NotAuthenticated('Invalid email or password', {
        code: 'invalid_credentials',
        userId: entity.id,
        orgId: entity.org_id ?? null
      })
    }
  }

  override async getEntity(result: any) {
    return this.app!.service('users').get(result.id)
  }

  override async authenticate(data: AuthenticationRequest, params: Params) {
    const ip = params.ip ?? null
    try {
      const result: any = await super.authenticate(data, params)
      assertActive(result.user)
      await recordAudit(this.db, {
        org_id: result.user.org_id,
        actor_id: result.user.id,
        action: 'login.succeeded',
        target: result.user.id,
        ip
      })
      return result
    } catch (error: any) {
      // Only external wrong-password attempts spend the failed-login budgets (src/hooks/limit-login.ts).
      if (params.provider && error?.data?.code === 'invalid_credentials') {
        await spendFailedLogin(this.app as any, data.email, ip)
      }
      const userId: string | undefined = error?.data?.userId
      // From the error, not a second query: a known email must cost no more than an unknown one.
      await recordAudit(this.db, {
        org_id: error?.data?.orgId ?? null,
        actor_id: userId ?? null,
        action: 'login.failed',
        target: typeof data.email === 'string' ? data.email.slice(0, 254) : null,
        meta: { reason: error?.data?.code ?? 'invalid_credentials' },
        ip
      })
      if (error?.data?.userId) delete error.data.userId
      if (error?.data && 'orgId' in error.data) delete error.data.orgId
      throw error
    }
  }
}
