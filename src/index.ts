// Process entry point: check the configuration, apply migrations, then serve REST and Socket.IO until a
// SIGTERM/SIGINT asks for a graceful stop (src/shutdown.ts).
import { createApp } from './app'
import { migrateLatest } from './postgresql'
import { redact, validateConfiguration } from './startup'
import { gracefulShutdown, trackInFlight, flushLogs } from './shutdown'
import { logger } from './logger'
import { collectStartupGarbage, setHeapGrowth } from './startup-gc'

const main = async () => {
  const app = createApp()
  // Everything at once and before touching the database, so a bad deployment fails fast and says why.
  const settings = await validateConfiguration(app)
  logger.info({ config: redact(settings) }, 'configuration')
  await migrateLatest(app.get('postgresqlClient'))
  const inFlight = trackInFlight(app)
  const port = app.get('port')
  const host = app.get('host')
  const server = await app.listen(port, host)
  gracefulShutdown(app, server, inFlight)
  collectStartupGarbage()
  setHeapGrowth(app.get('runtime')?.heapGrowingPercent)
  const embedded = !app.get('database').url
  const address = server.address()
  logger.info(
    {
      port: address && typeof address === 'object' ? address.port : port,
      host,
      pid: process.pid,
      database: embedded ? `embedded (${app.get('database').dataDir})` : 'postgresql'
    },
    `ChatBoard listening on http://${host}:${address && typeof address === 'object' ? address.port : port}`
  )
}

process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'))

main().catch(async (error) => {
  logger.fatal({ err: error }, 'failed to start')
  await flushLogs()
  process.exit(1)
})
