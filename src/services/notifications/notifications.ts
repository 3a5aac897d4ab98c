// Notifications service: a user's own notifications. Every change (created by the triggers, read, dismissed)
// goes to that user's devices and nobody else's.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { userChannel } from '../../realtime/channel-names'
import { NotificationService, getOptions } from './notifications.class'
import type { Notification } from './notifications.class'
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

// Not src/realtime/publish.ts: the triggers emit `created` themselves (without a hook context), and every event
// of this service has exactly one audience, its owner's user channel.
const publishToOwner = (app: Application) => {
  for (const event of ['created', 'patched', 'removed']) {
    app.service(notificationPath).on(event, (notification: Notification) => {
      app.io?.to(userChannel(notification.user_id)).emit(`${notificationPath} ${event}`, notification)
    })
  }
}

export const notification = (app: Application) => {
  app.use(notificationPath, new NotificationService(getOptions(app)), {
    methods: [...notificationMethods],
    events: []
  })

  app.service(notificationPath).hooks({
    around: {
      all: [schemaHooks.resolveResult(notificationResolver)]
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

  publishToOwner(app)
}

declare module '../../declarations' {
  interface ServiceTypes {
    [notificationPath]: NotificationService
  }
}
