// Users service: registration is open; everything else needs a login and stays within the caller's org.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { consume } from '../../rate-limits'
import type { HookContext } from '../../declarations'
import { UserService, getOptions } from './users.class'
import {
  userDataResolver,
  userDataValidator,
  userExternalResolver,
  userPatchResolver,
  userPatchValidator,
  userQueryValidator,
  userResolver
} from './users.schema'
import { authorizeUserChange, scopeUsers } from './users.authorize'
import { userMethods, userPath } from './users.shared'

export * from './users.class'
export * from './users.schema'

// Registrations per client IP, counted for every external attempt (a refused one costs as much to make).
const limitRegistrations = async (context: HookContext) => {
  if (!context.params.provider) return
  const ip: string = (context.params as any).ip || 'unknown'
  await consume(context.app.get('limiters').registrations, ip, 'registrations from this address')
}

export const user = (app: Application) => {
  const service = new UserService(getOptions(app))
  service.app = app
  app.use(userPath, service, { methods: userMethods, events: [] })

  app.service(userPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(userExternalResolver), schemaHooks.resolveResult(userResolver)]
    },
    before: {
      all: [schemaHooks.validateQuery(userQueryValidator)],
      find: [scopeUsers],
      get: [scopeUsers],
      create: [
        limitRegistrations,
        normalizeText({ email: 'lower', username: 'lower', name: 'line' }),
        schemaHooks.validateData(userDataValidator),
        schemaHooks.resolveData(userDataResolver)
      ],
      patch: [
        scopeUsers,
        normalizeText({ name: 'line', bio: 'multiline', avatar_url: 'line' }),
        schemaHooks.validateData(userPatchValidator),
        authorizeUserChange,
        schemaHooks.resolveData(userPatchResolver)
      ],
      remove: [scopeUsers, authorizeUserChange]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [userPath]: UserService
  }
}
