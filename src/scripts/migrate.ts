// `npm run migrate`: applies pending migrations to the configured database (the server also does this at start).
import { createApp } from '../app'
import { migrateLatest } from '../postgresql'
import { logger } from '../logger'

const main = async () => {
  const db = createApp().get('postgresqlClient')
  await migrateLatest(db)
  logger.info('migrations applied')
  await db.destroy()
}

main().catch((error) => {
  logger.fatal({ err: error }, 'migration failed')
  process.exit(1)
})
