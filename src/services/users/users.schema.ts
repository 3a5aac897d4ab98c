// User schemas and resolvers: the password hash never leaves the service, not even for internal callers.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { passwordHash } from '@feathersjs/authentication-local'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,31}$'
const Timestamp = Type.Any({ description: 'ISO 8601 date-time (UTC)' })
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const roleSchema = Type.Union([Type.Literal('ADMIN'), Type.Literal('MANAGER'), Type.Literal('MEMBER')])
export const statusSchema = Type.Union([
  Type.Literal('active'),
  Type.Literal('suspended'),
  Type.Literal('banned')
])

export const userSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    // Null only for bots (kind `bot`), which never log in.
    email: Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()]),
    username: Type.String({ pattern: USERNAME_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    password: Type.Optional(Type.String()),
    avatar_url: Nullable(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 })),
    bio: Nullable(Type.String({ maxLength: 500 })),
    // Null only for bots: they hold no org role (their key's scopes say what they may do).
    role: Type.Union([roleSchema, Type.Null()]),
    status: statusSchema,
    // `bot`: an API key's identity (services/api-keys/bots.ts); bots have email and role null, no password.
    kind: Type.Union([Type.Literal('person'), Type.Literal('bot')]),
    email_verified: Type.Boolean(),
    google_id: Type.Optional(Nullable(Type.String())),
    oidc_id: Type.Optional(Nullable(Type.String())),
    last_seen_at: Timestamp,
    created_at: Timestamp,
    updated_at: Timestamp
  },
  { $id: 'User', additionalProperties: false }
)
export type User = Static<typeof userSchema>
export const userValidator = getValidator(userSchema, dataValidator)

export const userResolver = resolve<User, HookContext>({
  password: async () => undefined
})

// Provider ids are login plumbing, not profile data.
export const userExternalResolver = resolve<User, HookContext>({
  google_id: async () => undefined,
  oidc_id: async () => undefined
})

// Registration: the server decides org, role and status; an invite token may place the user in an org.
export const userDataSchema = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    username: Type.String({ pattern: USERNAME_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
    invite_token: Type.Optional(Type.String({ minLength: 10, maxLength: 200 }))
  },
  { $id: 'UserData', additionalProperties: false }
)
export type UserData = Static<typeof userDataSchema>
export const userDataValidator = getValidator(userDataSchema, dataValidator)
export const userDataResolver = resolve<any, HookContext>({
  password: passwordHash({ strategy: 'local' })
})

// Profile fields are the user's own; role and status are set by org ADMINs (see users.authorize.ts).
export const userPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    avatar_url: Type.Optional(
      Nullable(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }))
    ),
    bio: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
    current_password: Type.Optional(Type.String({ maxLength: 128 })),
    role: Type.Optional(roleSchema),
    status: Type.Optional(statusSchema)
  },
  { $id: 'UserPatch', additionalProperties: false, minProperties: 1 }
)
export type UserPatch = Static<typeof userPatchSchema>
export const userPatchValidator = getValidator(userPatchSchema, dataValidator)
export const userPatchResolver = resolve<any, HookContext>({
  password: passwordHash({ strategy: 'local' }),
  current_password: async () => undefined,
  updated_at: async () => new Date()
})

export const userQueryProperties = Type.Object(
  {
    ...Type.Pick(userSchema, ['id', 'username', 'name', 'email', 'role', 'status', 'org_id', 'kind'])
      .properties,
    created_at: QueryDateTime
  },
  { additionalProperties: false }
)
export const userQuerySchema = strictQuerySyntax(userQueryProperties)
export type UserQuery = Static<typeof userQuerySchema>
export const userQueryValidator = getValidator(userQuerySchema, queryValidator)
