// Catch-up service: after being away, everything I missed in all my rooms in one paged call (find only, no
// events). REST and Socket.IO alike; API keys with messages:read catch up as their bot (auth/scopes.ts).
import { hooks as schemaHooks } from '@feathersjs/schema'
import { sharedResolveExternal, sharedResolveResult } from '../../schemas/shared-resolve-hooks'
import type { Application } from '../../declarations'
import { requireOrg } from '../../hooks/require-org'
import { messageResolver } from '../messages/messages.schema'
import { CatchUpService } from './catch-up.class'
import { catchUpExternalResolver, catchUpQueryValidator } from './catch-up.schema'
import { catchUpMethods, catchUpPath } from './catch-up.shared'

export * from './catch-up.class'
export * from './catch-up.schema'

export const catchUp = (app: Application) => {
  app.use(catchUpPath, new CatchUpService(app), { methods: [...catchUpMethods], events: [] })

  app.service(catchUpPath).hooks({
    around: {
      // The messages' own resolver (seq as a number, sender_kind, only the schema's columns), then ours for
      // delivery and files: items equal what messages.find answers. A message on several pages of one
      // statement is resolved once for all of them (shared-resolve-hooks.ts).
      find: [sharedResolveExternal(catchUpExternalResolver), sharedResolveResult(messageResolver)]
    },
    before: {
      find: [requireOrg, schemaHooks.validateQuery(catchUpQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [catchUpPath]: CatchUpService
  }
}
