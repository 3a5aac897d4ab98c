// API key schemas: the create body, the stored row and what callers see; key_hash never leaves the server.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { knownScopes } from '../../auth/scopes'
import { dataValidator, queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'

const Timestamp = Type.Any({ description: 'ISO 8601 date-time (UTC)' })

export const apiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    // The 12 characters after `cbk_`: lets an admin tell keys apart and the strategy find the row.
    prefix: Type.String(),
    scopes: Type.Array(Type.String()),
    created_by: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    // The user of kind `bot` the key acts as in rooms and messages (null only for a bot removed since).
    bot_user_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    last_used_at: Timestamp,
    revoked_at: Timestamp,
    created_at: Timestamp,
    // Only in the create response: the plaintext exists nowhere else, so it cannot be shown again.
    key: Type.Optional(Type.String()),
    key_hash: Type.Optional(Type.String())
  },
  { $id: 'ApiKey', additionalProperties: false }
)
export type ApiKey = Static<typeof apiKeySchema>

// For every caller, internal ones included: the hash is only ever compared inside the api-key strategy.
export const apiKeyResolver = resolve<ApiKey, HookContext>({
  key_hash: async () => undefined
})
export const apiKeyExternalResolver = resolve<ApiKey, HookContext>({})

// Scopes come from the one list in auth/scopes.ts; an unknown or repeated scope is a 400.
export const apiKeyDataSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    // The display name of the key's bot in rooms; the key's name when left out.
    bot_name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    scopes: Type.Array(Type.String({ enum: knownScopes }), {
      minItems: 1,
      maxItems: knownScopes.length,
      uniqueItems: true
    })
  },
  { $id: 'ApiKeyData', additionalProperties: false }
)
export type ApiKeyData = Static<typeof apiKeyDataSchema>
export const apiKeyDataValidator = getValidator(apiKeyDataSchema, dataValidator)

export const apiKeyQueryProperties = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    name: Type.String({ maxLength: 80 }),
    prefix: Type.String({ maxLength: 12 }),
    created_by: Type.String({ format: 'uuid' }),
    bot_user_id: Type.String({ format: 'uuid' }),
    created_at: QueryDateTime
  },
  { additionalProperties: false }
)
export const apiKeyQuerySchema = strictQuerySyntax(apiKeyQueryProperties)
export type ApiKeyQuery = Static<typeof apiKeyQuerySchema>
export const apiKeyQueryValidator = getValidator(apiKeyQuerySchema, queryValidator)
