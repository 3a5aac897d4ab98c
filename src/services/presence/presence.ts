// Presence service: heartbeats and org-scoped statuses. Transitions are announced by the presence tracker
// (src/realtime/presence.ts) to the user's org channel as `presence patched`, never by these methods.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { PresenceService, getOptions } from './presence.class'
import { presenceDataValidator, presenceQueryValidator, presenceResolver } from './presence.schema'
import { presenceMethods, presencePath } from './presence.shared'

export * from './presence.class'
export * from './presence.schema'

// REST query strings give one id as a string, and qs turns more than 20 indexed ones into an object.
const normalizeUserIds = async (context: HookContext) => {
  const ids = context.params.query?.user_ids
  if (ids === undefined || Array.isArray(ids)) return
  const list = typeof ids === 'object' && ids !== null ? Object.values(ids) : [ids]
  context.params.query = { ...context.params.query, user_ids: list }
}

// A heartbeat answers the caller only; no `presence created` event exists.
const noEvent = async (context: HookContext) => {
  context.event = null
}

export const presence = (app: Application) => {
  const service = new PresenceService(getOptions(app))
  service.app = app
  app.use(presencePath, service, { methods: [...presenceMethods], events: [] })

  app.service(presencePath).hooks({
    around: {
      find: [schemaHooks.resolveResult(presenceResolver)]
    },
    before: {
      find: [normalizeUserIds, schemaHooks.validateQuery(presenceQueryValidator)],
      create: [schemaHooks.validateData(presenceDataValidator)]
    },
    after: {
      create: [noEvent]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [presencePath]: PresenceService
  }
}
