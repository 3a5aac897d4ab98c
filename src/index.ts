// Process entry point: apply migrations, then serve REST and Socket.IO until told to stop.
import { createApp } from './app'
import { migrateLatest } from './postgresql'
import { logger } from './logger'

const DEV_SECRET = 'chatboard-dev-secret-change-me-in-production'

const main = async () => {
  const app = createApp()
  // A known secret would let anyone mint access tokens: production must bring its own.
  if (process.env.NODE_ENV === 'production' && app.get('authentication')?.secret === DEV_SECRET) {
    throw new Error('Set AUTH_SECRET: the development secret is refused when NODE_ENV=production')
  }
  const db = app.get('postgresqlClient')
  await migrateLatest(db)
  const port = app.get('port')
  const host = app.get('host')
  const server = await app.listen(port, host)
  const embedded = !app.get('database').url
  logger.info(
    { port, host, database: embedded ? `embedded (${app.get('database').dataDir})` : 'postgresql' },
    `ChatBoard listening on http://${host}:${port}`
  )

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down')
    await app.teardown()
    server.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
}

process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'))

main().catch((error) => {
  logger.fatal({ err: error }, 'failed to start')
  process.exit(1)
})
