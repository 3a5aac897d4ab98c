// Outbox wiring: one drainer per app, stopped at teardown before the database closes. Topics get their
// handlers from the modules that own the work (notifications today, webhooks next).
import type { Application } from '../declarations'
import { outboxOf } from './outbox'

export { enqueue, outboxOf } from './outbox'
export type { OutboxRow, OutboxSettings } from './outbox'
export { TOPICS, enqueueTopic } from './topics'

export const outbox = (app: Application) => {
  const drainer = outboxOf(app)
  app.hooks({
    teardown: [
      async (_context: any, next: () => Promise<void>) => {
        await drainer.stop()
        await next()
      }
    ]
  })
}

// For tests and shutdown: resolves once every row due at the time of the call has been handled (by this
// process or another) or has failed at least once. Polls the table, since another process may hold a row.
export const outboxSettled = async (app: Application, timeoutMs = 10000) => {
  const db = app.get('postgresqlClient')
  const drainer = outboxOf(app)
  const last = await db('outbox').max({ id: 'id' }).first()
  const upTo = Number(last?.id ?? 0)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    await drainer.drain()
    const left = await db('outbox')
      .where('id', '<=', upTo)
      .whereNull('dead_at')
      .whereNull('last_error')
      .count({ count: '*' })
      .first()
    if (Number(left?.count ?? 0) === 0) return
    if (Date.now() > deadline) throw new Error(`outbox rows still pending after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
