// Webhooks wiring: the deliverer starts after the app's setup (web process: listen; worker: setup) and stops at
// teardown while the database is still open; the outbox handler tells ADMINs about disabled webhooks.
import type { Application } from '../declarations'
import { outboxOf } from '../outbox/outbox'
import { webhookHandlers } from './notify'
import { webhookWorkerOf } from './worker'

export { webhookWorkerOf } from './worker'
export { WEBHOOK_EVENTS } from './events'

export const webhooks = (app: Application) => {
  const worker = webhookWorkerOf(app)
  webhookHandlers(outboxOf(app))
  app.hooks({
    setup: [
      async (_context: any, next: () => Promise<void>) => {
        await next()
        worker.start()
      }
    ],
    teardown: [
      async (_context: any, next: () => Promise<void>) => {
        await worker.stop()
        await next()
      }
    ]
  })
}
