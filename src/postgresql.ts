// Database connection: real PostgreSQL when DATABASE_URL is set, else an embedded PGlite in a data folder.
import fs from 'node:fs'
import path from 'node:path'
import knex from 'knex'
import type { Knex } from 'knex'
import ClientPgLite from 'knex-pglite'
import pg from 'pg'

// bigint (seq, pointers, counts) as a JS number, as PGlite already returns it: values stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10))
import type { Application } from './declarations'

export const migrationsDir = path.resolve(__dirname, '..', 'migrations')

export interface DatabaseSettings {
  url: string
  dataDir: string
  poolMax: number
  // Bounds so that a call never hangs on an unreachable database (it answers 503 `unavailable` instead).
  connectTimeoutMs?: number
  acquireTimeoutMs?: number
  statementTimeoutMs?: number
}

// The bounds with their defaults: opening a connection, waiting for a pooled one, and one statement (the
// server cancels it; the client gives up a second later if the server itself went silent).
export const databaseTimeouts = (settings: Partial<DatabaseSettings>) => {
  const connectTimeoutMs = settings.connectTimeoutMs ?? 2000
  const statementTimeoutMs = settings.statementTimeoutMs ?? 5000
  return {
    connectTimeoutMs,
    acquireTimeoutMs: settings.acquireTimeoutMs ?? 3000,
    statementTimeoutMs,
    queryTimeoutMs: statementTimeoutMs + 1000
  }
}

// Settings for a pg Client or Pool on the app's database, with the same bounds as knex's connections.
export const pgConnection = (settings: Partial<DatabaseSettings> & { url: string }) => {
  const t = databaseTimeouts(settings)
  return {
    connectionString: settings.url,
    connectionTimeoutMillis: t.connectTimeoutMs,
    statement_timeout: t.statementTimeoutMs,
    query_timeout: t.queryTimeoutMs
  }
}

export const createKnex = (settings: DatabaseSettings): Knex => {
  if (settings.url) {
    // knex drops a connection that reported an error (it never goes back to the pool), so a database restart
    // costs the calls in flight and the pool refills with fresh connections once the database answers again.
    return knex({
      client: 'pg',
      connection: pgConnection(settings),
      acquireConnectionTimeout: databaseTimeouts(settings).acquireTimeoutMs,
      pool: { min: 0, max: settings.poolMax }
    })
  }
  const dataDir = path.resolve(settings.dataDir)
  fs.mkdirSync(dataDir, { recursive: true })
  // PGlite allows exactly one connection; knex-pglite pins the pool to 1.
  return knex({ client: ClientPgLite, dialect: 'postgres', connection: { filename: dataDir } } as Knex.Config)
}

// Applies every pending migration; the knex migration lock keeps two processes from racing. On PostgreSQL
// through a connection of its own without the statement timeout: a migration may rightly take minutes.
export const migrateLatest = async (db: Knex) => {
  const config = db.client.config as Knex.Config
  const connection = config.connection as Record<string, unknown> | undefined
  if (config.client !== 'pg' || !connection || typeof connection !== 'object') {
    await db.migrate.latest({ directory: migrationsDir, loadExtensions: ['.ts'] })
    return
  }
  const unbounded = knex({
    ...config,
    connection: { ...connection, statement_timeout: 0, query_timeout: undefined },
    pool: { min: 0, max: 2 }
  })
  try {
    await unbounded.migrate.latest({ directory: migrationsDir, loadExtensions: ['.ts'] })
  } finally {
    await unbounded.destroy()
  }
}

export const postgresql = (app: Application) => {
  const db = createKnex(app.get('database'))
  app.set('postgresqlClient', db)
}
