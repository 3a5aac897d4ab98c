// Invite schemas: an invite row never carries its token hash out of the service; the plaintext token exists
// only in the create response.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { roleSchema } from '../users/users.schema'
import { NullableQueryDateTime, QueryDateTime, strictQuerySyntax } from '../../schemas/query'

const Timestamp = Type.Any({ description: 'ISO 8601 date-time (UTC)' })
const NullableUuid = Type.Union([Type.String({ format: 'uuid' }), Type.Null()])

export const inviteSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    role: roleSchema,
    token_hash: Type.Optional(Type.String()),
    // Present only in the response to create: the one time the plaintext token is shown.
    token: Type.Optional(Type.String()),
    invited_by: NullableUuid,
    expires_at: Timestamp,
    accepted_at: Timestamp,
    accepted_by: NullableUuid,
    revoked_at: Timestamp,
    created_at: Timestamp
  },
  { $id: 'Invite', additionalProperties: false }
)
export type Invite = Static<typeof inviteSchema>

// The hash is a credential equivalent for lookups; no caller, internal or external, gets it back.
export const inviteResolver = resolve<Invite, HookContext>({
  token_hash: async () => undefined
})

export const inviteDataSchema = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    role: roleSchema
  },
  { $id: 'InviteData', additionalProperties: false }
)
export type InviteData = Static<typeof inviteDataSchema>
export const inviteDataValidator = getValidator(inviteDataSchema, dataValidator)

// accepted_at and revoked_at are null while an invite is pending, so null is a filter value there.
export const inviteQueryProperties = Type.Object(
  {
    ...Type.Pick(inviteSchema, ['id', 'email', 'role', 'invited_by', 'accepted_by']).properties,
    expires_at: QueryDateTime,
    accepted_at: NullableQueryDateTime,
    revoked_at: NullableQueryDateTime,
    created_at: QueryDateTime
  },
  { additionalProperties: false }
)
export const inviteQuerySchema = strictQuerySyntax(inviteQueryProperties)
export type InviteQuery = Static<typeof inviteQuerySchema>
export const inviteQueryValidator = getValidator(inviteQuerySchema, queryValidator)
