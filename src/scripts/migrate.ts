// `npm run migrate` (sources) / `npm run migrate:prod` (lib/scripts/migrate.js): applies pending migrations to
// the configured database and exits; the server also does this at every start.
import { createApp } from '../app'
import { migrateLatest, pendingMigrations } from '../postgresql'
import { validateConfiguration } from '../startup'
import { flushLogs } from '../shutdown'
import { logger } from '../logger'

const main = async () => {
  const app = createApp()
  await validateConfiguration(app)
  const db = app.get('postgresqlClient')
  try {
    const pending = await pendingMigrations(db)
    await migrateLatest(db)
    logger.info({ applied: pending }, 'migrations applied')
  } finally {
    await db.destroy()
  }
}

main()
  .then(flushLogs)
  .catch(async (error) => {
    logger.fatal({ err: error }, 'migration failed')
    await flushLogs()
    process.exit(1)
  })
