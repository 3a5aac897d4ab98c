// Message-versions service: members of a message's room read its edit history. Read-only, no events
// (an edit is announced by `messages patched`).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { MessageVersionService } from './message-versions.class'
import { messageVersionQueryValidator } from './message-versions.schema'
import { messageVersionMethods, messageVersionPath } from './message-versions.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './message-versions.class'
export * from './message-versions.schema'

export const messageVersion = (app: Application) => {
  app.use(messageVersionPath, new MessageVersionService(app), {
    methods: [...messageVersionMethods],
    events: []
  })

  app.service(messageVersionPath).hooks({
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
