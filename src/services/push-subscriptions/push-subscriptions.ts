// Push subscriptions service: my devices for web push. No events: a device list changes rarely and only matters
// to the device registering itself; removals by the push service (404/410) are silent too.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { PushSubscriptionService, getOptions } from './push-subscriptions.class'
import {
  pushSubscriptionDataValidator,
  pushSubscriptionQueryValidator,
  pushSubscriptionResolver
} from './push-subscriptions.schema'
import { pushSubscriptionMethods, pushSubscriptionPath } from './push-subscriptions.shared'

export * from './push-subscriptions.class'
export * from './push-subscriptions.schema'

const noEvent = async (context: HookContext) => {
  context.event = null
}

export const pushSubscription = (app: Application) => {
  const service = new PushSubscriptionService(getOptions(app))
  service.app = app
  app.use(pushSubscriptionPath, service, { methods: [...pushSubscriptionMethods], events: [] })

  app.service(pushSubscriptionPath).hooks({
    around: {
      all: [schemaHooks.resolveResult(pushSubscriptionResolver)]
    },
    before: {
      find: [schemaHooks.validateQuery(pushSubscriptionQueryValidator)],
      create: [schemaHooks.validateData(pushSubscriptionDataValidator)]
    },
    after: {
      all: [noEvent]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [pushSubscriptionPath]: PushSubscriptionService
  }
}
