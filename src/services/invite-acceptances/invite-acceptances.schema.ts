// Invite acceptance schemas: a signed-in user posts the token and gets back the org, role and their profile.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator } from '../../validators'
import { roleSchema, userExternalResolver, userResolver, userSchema } from '../users/users.schema'
import type { User } from '../users/users.schema'

export const inviteAcceptanceSchema = Type.Object(
  {
    org_id: Type.String({ format: 'uuid' }),
    role: roleSchema,
    invite_id: Type.String({ format: 'uuid' }),
    user: Type.Ref(userSchema)
  },
  { $id: 'InviteAcceptance', additionalProperties: false }
)
export type InviteAcceptance = Static<typeof inviteAcceptanceSchema>

// The user row comes straight from the database: strip the password hash and provider ids like users does.
export const inviteAcceptanceResolver = resolve<InviteAcceptance, HookContext>({
  user: async (value, _result, context) => {
    if (!value) return value
    const internal = (await userResolver.resolve(value as User, context)) as User
    return userExternalResolver.resolve(internal, context)
  }
})

export const inviteAcceptanceDataSchema = Type.Object(
  {
    token: Type.String({ minLength: 10, maxLength: 200 })
  },
  { $id: 'InviteAcceptanceData', additionalProperties: false }
)
export type InviteAcceptanceData = Static<typeof inviteAcceptanceDataSchema>
export const inviteAcceptanceDataValidator = getValidator(inviteAcceptanceDataSchema, dataValidator)
