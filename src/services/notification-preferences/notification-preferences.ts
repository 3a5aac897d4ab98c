// Notification preferences service: my defaults and per-room overrides, synced to all of my devices only.
import { hooks as schemaHooks } from '@feathersjs/schema'
import { externalAsIs } from '../../schemas/external'
import type { Application, HookContext } from '../../declarations'
import { NotificationPreferenceService, REPLACED, getOptions } from './notification-preferences.class'
import {
  notificationPreferenceDataValidator,
  notificationPreferencePatchValidator,
  notificationPreferenceQueryValidator,
  notificationPreferenceResolver
} from './notification-preferences.schema'
import { notificationPreferenceMethods, notificationPreferencePath } from './notification-preferences.shared'

export * from './notification-preferences.class'
export * from './notification-preferences.schema'

// Setting a preference that already existed changed it: announce it as patched.
const announceReplaced = async (context: HookContext) => {
  if (context.result && (context.result as any)[REPLACED]) context.event = 'patched'
}

export const notificationPreference = (app: Application) => {
  app.use(notificationPreferencePath, new NotificationPreferenceService(getOptions(app)), {
    methods: [...notificationPreferenceMethods],
    events: []
  })

  app.service(notificationPreferencePath).hooks({
    around: {
      all: [
        schemaHooks.resolveExternal(externalAsIs),
        schemaHooks.resolveResult(notificationPreferenceResolver)
      ]
    },
    before: {
      all: [schemaHooks.validateQuery(notificationPreferenceQueryValidator)],
      create: [schemaHooks.validateData(notificationPreferenceDataValidator)],
      patch: [schemaHooks.validateData(notificationPreferencePatchValidator)]
    },
    after: {
      create: [announceReplaced]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [notificationPreferencePath]: NotificationPreferenceService
  }
}
