// Notifications wiring: the triggers that create them from service events, a start-up check of the delivery
// settings, and a teardown step that lets trigger work finish while the database is still open.
// Registered after the services (it listens to their events) and before the jobs runtime, whose teardown must
// come after this one (triggers enqueue email and push jobs).
import type { Application } from '../declarations'
import { notificationTriggers } from './triggers'
import { notificationHandlers } from './outbox-handlers'
import { outboxOf } from '../outbox/outbox'
import { settled } from './pending'
import { assertVapidConfig } from './vapid'

export { settled as notificationsSettled } from './pending'
export { smtpConfigured } from './mailer'

export const notifications = (app: Application) => {
  assertVapidConfig(app)
  notificationTriggers(app)
  notificationHandlers(outboxOf(app))
  app.hooks({
    teardown: [
      async (_context: any, next: () => Promise<void>) => {
        await settled(app)
        await next()
      }
    ]
  })
}
