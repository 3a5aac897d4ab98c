// Notifications service: a user's own notifications. Every change (created from the outbox, read, dismissed)
// goes to that user's devices and nobody else's (src/realtime/service-events.ts).
import { hooks as schemaHooks } from '@feathersjs/schema'
import { externalAsIs } from '../../schemas/external'
import type { Application, HookContext } from '../../declarations'
import { NotificationService, getOptions } from './notifications.class'
import {
  notificationPatchValidator,
  notificationQueryValidator,
  notificationResolver
} from './notifications.schema'
import { notificationMethods, notificationPath } from './notifications.shared'

export * from './notifications.class'
export * from './notifications.schema'

// Marking read things that were already read changes nothing: no events for an empty multi patch.
const skipEmptyEvent = async (context: HookContext) => {
  if (Array.isArray(context.result) && context.result.length === 0) context.event = null
}

export const notification = (app: Application) => {
  app.use(notificationPath, new NotificationService(getOptions(app)), {
    methods: [...notificationMethods],
    events: []
  })

  app.service(notificationPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(externalAsIs), schemaHooks.resolveResult(notificationResolver)]
    },
    before: {
      find: [schemaHooks.validateQuery(notificationQueryValidator)],
      patch: [
        schemaHooks.validateQuery(notificationQueryValidator),
        schemaHooks.validateData(notificationPatchValidator)
      ]
    },
    after: {
      patch: [skipEmptyEvent]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [notificationPath]: NotificationService
  }
}
