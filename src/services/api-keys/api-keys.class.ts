// API keys: create generates the key (and its bot) and stores only its prefix and SHA-256; remove revokes.
import crypto from 'node:crypto'
import { MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { recordAudit } from '../../audit'
import { requireOrgId } from '../../auth/principal'
import { randomToken, sha256 } from '../../auth/tokens'
import type { ApiKey, ApiKeyData, ApiKeyQuery } from './api-keys.schema'
import { createBot } from './bots'

export type { ApiKey, ApiKeyData, ApiKeyQuery }

export interface ApiKeyParams extends KnexAdapterParams<ApiKeyQuery> {}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

// crypto.randomInt is uniform, so every prefix character carries the full log2(62) bits.
const randomAlphanumeric = (length: number) =>
  Array.from({ length }, () => ALPHANUMERIC[crypto.randomInt(ALPHANUMERIC.length)]).join('')

// `cbk_<prefix>_<secret>`, the format API_KEY_PATTERN in auth/api-key-strategy.ts parses. The secret is
// 32 random bytes (43 base64url characters); the prefix is only a lookup handle, not part of the secret.
export const generateApiKey = () => {
  const prefix = randomAlphanumeric(12)
  const key = `cbk_${prefix}_${randomToken(32)}`
  return { prefix, key, keyHash: sha256(key) }
}

export class ApiKeyService<ServiceParams extends Params = ApiKeyParams>
  extends KnexService<ApiKey, ApiKeyData, ApiKeyParams>
  implements ServiceInterface<ApiKey, ApiKeyData, ApiKeyParams>
{
  app!: Application

  override async create(data: any, params?: ApiKeyParams): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Create one API key at a time')
    const orgId = requireOrgId(params ?? {})
    const actorId = params?.user?.id ?? null
    const { prefix, key, keyHash } = generateApiKey()
    const row = await this.Model.transaction(async (trx) => {
      // The key acts as its own bot (auth/api-key-strategy.ts), named by the ADMIN or after the key.
      const bot = await createBot(trx, orgId, data.bot_name ?? data.name)
      const [inserted] = await trx('api_keys')
        .insert({
          org_id: orgId,
          name: data.name,
          prefix,
          key_hash: keyHash,
          scopes: data.scopes,
          created_by: actorId,
          bot_user_id: bot.id
        })
        .returning('*')
      await recordAudit(trx, {
        org_id: orgId,
        actor_id: actorId,
        action: 'api_key.created',
        target: inserted.id,
        meta: { name: inserted.name, scopes: inserted.scopes, bot_user_id: bot.id },
        ip: params?.ip
      })
      return inserted
    })
    // The one and only time the plaintext key is returned.
    return { ...row, key }
  }

  // Revoking keeps the row (and its audit trail); the strategy refuses a key with revoked_at at once.
  override async remove(id: NullableId, params?: ApiKeyParams): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Revoke one API key at a time')
    return this.Model.transaction(async (trx) => {
      // _get applies the org scope from the query, so another org's key is a 404 like a missing one.
      const current = (await this._get(id as Id, { ...params, transaction: { trx } } as any)) as ApiKey
      const [revoked] = await trx('api_keys')
        .where({ id: current.id })
        .whereNull('revoked_at')
        .update({ revoked_at: trx.fn.now() })
        .returning('*')
      // Already revoked: answer with the row as it is, and audit only the revocation that happened.
      if (!revoked) return (await trx('api_keys').where({ id: current.id }).first()) as ApiKey
      await recordAudit(trx, {
        org_id: revoked.org_id,
        actor_id: params?.user?.id ?? null,
        action: 'api_key.revoked',
        target: revoked.id,
        meta: { name: revoked.name, scopes: revoked.scopes, bot_user_id: revoked.bot_user_id },
        ip: params?.ip
      })
      return revoked
    })
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'api_keys'
})
