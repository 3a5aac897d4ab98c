// Dev mailbox service: registered only when no SMTP server is configured (smtp.url / SMTP_URL empty); with SMTP
// the emails leave the server and there is nothing to read here (404 on this path).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { smtpConfigured } from '../../notifications/mailer'
import { DevMailboxService, getOptions } from './dev-mailbox.class'
import { devMailQueryValidator, devMailResolver } from './dev-mailbox.schema'
import { devMailboxMethods, devMailboxPath } from './dev-mailbox.shared'

export * from './dev-mailbox.class'
export * from './dev-mailbox.schema'

export const devMailbox = (app: Application) => {
  if (smtpConfigured(app)) return
  app.use(devMailboxPath, new DevMailboxService(getOptions(app)), {
    methods: [...devMailboxMethods],
    events: []
  })
  app.service(devMailboxPath).hooks({
    around: {
      all: [schemaHooks.resolveResult(devMailResolver)]
    },
    before: {
      find: [schemaHooks.validateQuery(devMailQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [devMailboxPath]: DevMailboxService
  }
}
