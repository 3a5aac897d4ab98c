// `npm run migrate`: applies pending migrations to the configured database (the server also does this at start).
import { createApp } from '../app'
import { migrateLatest } from '../postgresql'
import { logger } from '../logger'

const main = async () => {
  const app = createApp()
  const db = app.get('postgresqlClient')
  await migrateLatest(db)
  const [, pending] = await db.migrate
    .list({ directory: undefined, loadExtensions: ['.ts'] } as any)
    .catch(() => [null, []])
  logger.info({ pending: (pending as unknown[]).length }, 'migrations applied')
  await db.destroy()
}

main().catch((error) => {
  logger.fatal({ err: error }, 'migration failed')
  process.exit(1)
})
