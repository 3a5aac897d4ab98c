// Email + password login. Reads the hash straight from the table so the users service never returns it.
import { LocalStrategy } from '@feathersjs/authentication-local'
import type { AuthenticationRequest } from '@feathersjs/authentication'
import { NotAuthenticated } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import { recordAudit } from '../audit'
import { logger } from '../logger'
import { assertActive } from './account-status'
import { spendFailedLogin } from '../hooks/limit-login'
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords'
import type { PasswordSettings } from './passwords'

export class ChatLocalStrategy extends LocalStrategy {
  private get db() {
    return this.app!.get('postgresqlClient')
  }

  private get passwords(): PasswordSettings {
    return this.app!.get('passwords')
  }

  // New hashes (the users service's passwordHash resolver calls this) are argon2id.
  override async hashPassword(password: string) {
    return hashPassword(password, this.passwords)
  }

  override async findEntity(email: string) {
    const row =
      typeof email === 'string' && email
        ? await this.db('users').whereRaw('lower(email) = lower(?)', [email]).first()
        : null
    if (!row) {
      await verifyPassword(await dummyHash(this.passwords), 'x')
      throw new NotAuthenticated('Invalid email or password', { code: 'invalid_credentials' })
    }
    return row
  }

  override async comparePassword(entity: any, password: string) {
    if (!(await verifyPassword(entity.password, password))) {
      throw new NotAuthenticated('Invalid email or password', {
        code: 'invalid_credentials',
        userId: entity.id,
        orgId: entity.org_id ?? null
      })
    }
    if (needsRehash(entity.password, this.passwords)) await this.upgradeHash(entity, password)
    return entity
  }

  // A bcrypt (or weaker argon2) hash becomes argon2id now that the password is known. Only if the stored hash
  // is still the one verified, so a password changed meanwhile is not overwritten; a failure here costs the
  // upgrade (tried again at the next login), never the login.
  private async upgradeHash(entity: any, password: string) {
    try {
      const upgraded = await hashPassword(password, this.passwords)
      await this.db('users')
        .where({ id: entity.id, password: entity.password })
        .update({ password: upgraded })
    } catch (err) {
      logger.warn({ err, user_id: entity.id }, 'password hash upgrade failed')
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
