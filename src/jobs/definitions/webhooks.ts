// Housekeeping: delivered and dead webhook deliveries are kept webhooks.keepDays for inspection (and
// redelivery), then removed by this daily system job in bounded batches; pending and failed ones are never.
import type { Knex } from 'knex'
import { logger } from '../../logger'
import type { JobDefinition } from '../types'

const DAY_MS = 24 * 60 * 60 * 1000
const BATCH = 5000

export const pruneWebhookDeliveries = async (db: Knex, keepDays: number) => {
  let removed = 0
  for (;;) {
    const result = await db.raw(
      `delete from webhook_deliveries where id in (
         select id from webhook_deliveries
         where status in ('sent', 'dead') and created_at < now() - (? * interval '1 day') limit ?)
       returning id`,
      [keepDays, BATCH]
    )
    // Counted from returning: PGlite's driver reports no row count.
    removed += result.rows.length
    if (result.rows.length < BATCH) return removed
  }
}

export const webhookPruneJob: JobDefinition = {
  name: 'webhooks.prune',
  concurrency: 1,
  retry: false,
  everyMs: (app) => (app.get('webhooks').keepDays > 0 ? DAY_MS : 0),
  run: async ({ app }) => {
    const { keepDays } = app.get('webhooks')
    const removed = await pruneWebhookDeliveries(app.get('postgresqlClient'), keepDays)
    logger.info({ job: 'webhooks.prune', removed, keepDays }, 'old webhook deliveries pruned')
  }
}
