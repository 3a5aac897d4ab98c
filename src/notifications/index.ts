// Notifications wiring: a start-up check of the delivery settings and the outbox handlers that create
// notifications after the changes that owe them committed (outbox-handlers.ts). Registered after the outbox
// (its drainer) and before the jobs runtime (the handlers enqueue email and push jobs).
import type { Application } from '../declarations'
import { notificationHandlers } from './outbox-handlers'
import { outboxOf } from '../outbox/outbox'
import { assertVapidConfig } from './vapid'

export { outboxSettled as notificationsSettled } from '../outbox'
export { smtpConfigured } from './mailer'

export const notifications = (app: Application) => {
  assertVapidConfig(app)
  notificationHandlers(outboxOf(app))
}
