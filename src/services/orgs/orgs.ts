// Orgs service: anyone signed in without an org may create one; members read their own; ADMINs edit it.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { requireOrgId } from '../../auth/principal'
import { normalizeText } from '../../hooks/normalize-text'
import { requireRole } from '../../hooks/require-role'
import { OrgService, getOptions } from './orgs.class'
import {
  orgDataValidator,
  orgExternalResolver,
  orgPatchResolver,
  orgPatchValidator,
  orgQueryValidator,
  orgResolver
} from './orgs.schema'
import { orgMethods, orgPath } from './orgs.shared'

export * from './orgs.class'
export * from './orgs.schema'

// The only org a caller can see is their own.
const scopeToOwnOrg = async (context: HookContext) => {
  if (!context.params.provider) return
  context.params.query = { ...context.params.query, id: requireOrgId(context.params) }
}

export const org = (app: Application) => {
  const service = new OrgService(getOptions(app))
  service.app = app
  app.use(orgPath, service, { methods: orgMethods, events: [] })

  app.service(orgPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(orgExternalResolver), schemaHooks.resolveResult(orgResolver)]
    },
    before: {
      all: [schemaHooks.validateQuery(orgQueryValidator)],
      find: [scopeToOwnOrg],
      get: [scopeToOwnOrg],
      create: [normalizeText({ name: 'line', slug: 'lower' }), schemaHooks.validateData(orgDataValidator)],
      patch: [
        scopeToOwnOrg,
        requireRole('ADMIN'),
        normalizeText({ name: 'line' }),
        schemaHooks.validateData(orgPatchValidator),
        schemaHooks.resolveData(orgPatchResolver)
      ]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [orgPath]: OrgService
  }
}
