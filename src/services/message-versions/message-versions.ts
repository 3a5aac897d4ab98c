// Message-versions service: members of a message's room read its edit history. Read-only, no events
// (an edit is announced by `messages patched`).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { MessageVersionService, getOptions } from './message-versions.class'
import { messageVersionQueryValidator, messageVersionResolver } from './message-versions.schema'
import { messageVersionMethods, messageVersionPath } from './message-versions.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './message-versions.class'
export * from './message-versions.schema'

export const messageVersion = (app: Application) => {
  app.use(messageVersionPath, new MessageVersionService(getOptions(app)), {
    methods: [...messageVersionMethods],
    events: []
  })

  app.service(messageVersionPath).hooks({
    around: {
      all: [schemaHooks.resolveResult(messageVersionResolver)]
    },
    before: {
      all: [requireOrg, schemaHooks.validateQuery(messageVersionQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [messageVersionPath]: MessageVersionService
  }
}
