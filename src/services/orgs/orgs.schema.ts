// Organization schemas: a tenant with a name, a unique slug and its message retention.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'

export const orgSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    slug: Type.String({ pattern: SLUG_PATTERN }),
    retention_days: Type.Integer({ minimum: 1, maximum: 3650 }),
    created_at: Type.Any(),
    updated_at: Type.Any()
  },
  { $id: 'Org', additionalProperties: false }
)
export type Org = Static<typeof orgSchema>
export const orgResolver = resolve<Org, HookContext>({})
export const orgExternalResolver = resolve<Org, HookContext>({})

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
    retention_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 }))
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
