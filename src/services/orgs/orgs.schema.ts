// Organization schemas: a tenant with a name, a unique slug and its message retention.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'
import { readSettings } from './org-settings'

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'

// Per content type, bytes (0 forbids the type); keys and ceilings are checked by the service (org-settings.ts).
const UploadLimits = Type.Record(Type.String(), Type.Integer({ minimum: 0 }))
// A text search configuration name (pg_ts_config), checked by the service.
const SearchLanguage = Type.String({ minLength: 1, maxLength: 63 })

// What an ADMIN may change besides the name: only ADMINs read it (`settings` of the org).
export const orgSettingsSchema = Type.Object(
  { upload_limits: UploadLimits, search_language: SearchLanguage },
  { $id: 'OrgSettings', additionalProperties: false }
)

const orgProperties = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String({ minLength: 1, maxLength: 80 }),
  slug: Type.String({ pattern: SLUG_PATTERN }),
  retention_days: Type.Integer({ minimum: 1, maximum: 3650 }),
  created_at: Type.Any(),
  updated_at: Type.Any()
}

export const orgSchema = Type.Object(
  { ...orgProperties, settings: Type.Optional(orgSettingsSchema) },
  { $id: 'Org', additionalProperties: false }
)
export type Org = Static<typeof orgSchema>
// The `orgs patched` event goes to every member: without the ADMIN-only settings (the publisher projects the
// payload onto this schema, so they never go out whoever made the change).
export const orgEventSchema = Type.Object(orgProperties, { $id: 'OrgEvent', additionalProperties: false })

const isAdminOf = (context: HookContext, orgId: string) =>
  context.params.user?.role === 'ADMIN' && context.params.user?.org_id === orgId

export const orgResolver = resolve<Org, HookContext>({})
export const orgExternalResolver = resolve<Org & { upload_limits?: unknown }, HookContext>({
  // The raw column never goes out; ADMINs read it (and the search language) as `settings`.
  upload_limits: async () => undefined,
  settings: async (_value, org, context) =>
    isAdminOf(context, org.id) ? readSettings(context.app.get('postgresqlClient'), org) : undefined
})

export const orgDataSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    slug: Type.Optional(Type.String({ pattern: SLUG_PATTERN }))
  },
  { $id: 'OrgData', additionalProperties: false }
)
export type OrgData = Static<typeof orgDataSchema>
export const orgDataValidator = getValidator(orgDataSchema, dataValidator)

export const orgPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    retention_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    // Replaces the org's overrides ({} restores the defaults).
    upload_limits: Type.Optional(UploadLimits),
    search_language: Type.Optional(SearchLanguage)
  },
  { $id: 'OrgPatch', additionalProperties: false, minProperties: 1 }
)
export type OrgPatch = Static<typeof orgPatchSchema>
export const orgPatchValidator = getValidator(orgPatchSchema, dataValidator)
export const orgPatchResolver = resolve<any, HookContext>({
  updated_at: async () => new Date()
})

export const orgQueryProperties = Type.Object(
  { ...Type.Pick(orgSchema, ['id', 'name', 'slug']).properties, created_at: QueryDateTime },
  { additionalProperties: false }
)
export const orgQuerySchema = strictQuerySyntax(orgQueryProperties)
export type OrgQuery = Static<typeof orgQuerySchema>
export const orgQueryValidator = getValidator(orgQuerySchema, queryValidator)
