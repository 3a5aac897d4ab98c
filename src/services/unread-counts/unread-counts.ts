// Unread-counts service: the caller's unread badge numbers for every room they are in, in one call.
// No events of its own: receipts (my devices) and messages (my rooms) tell clients when counts change.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { UnreadCountService, getOptions } from './unread-counts.class'
import { unreadCountQueryValidator, unreadCountResolver } from './unread-counts.schema'
import { unreadCountMethods, unreadCountPath } from './unread-counts.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './unread-counts.class'
export * from './unread-counts.schema'

export const unreadCount = (app: Application) => {
  app.use(unreadCountPath, new UnreadCountService(getOptions(app)), {
    methods: [...unreadCountMethods],
    events: []
  })

  app.service(unreadCountPath).hooks({
    around: {
      all: [schemaHooks.resolveResult(unreadCountResolver)]
    },
    before: {
      all: [requireOrg, schemaHooks.validateQuery(unreadCountQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [unreadCountPath]: UnreadCountService
  }
}
