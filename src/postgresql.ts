// Database connection: real PostgreSQL when DATABASE_URL is set, else an embedded PGlite in a data folder.
import fs from 'node:fs'
import path from 'node:path'
import knex from 'knex'
import type { Knex } from 'knex'
import type ClientPgLite from 'knex-pglite'
import pg from 'pg'

// bigint (seq, pointers, counts) as a JS number, as PGlite already returns it: values stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10))
import type { Application } from './declarations'

// From the sources (tsx) the migrations are ../migrations/*.ts; compiled (`npm run build`) this file is
// lib/postgresql.js and they are lib/migrations/*.js. Only one extension is loaded, so a .js.map or .d.ts
// beside them is never taken for a migration.
const compiled = path.extname(__filename) === '.js'
export const migrationsDir = compiled
  ? path.resolve(__dirname, 'migrations')
  : path.resolve(__dirname, '..', 'migrations')
const migrationExtension = compiled ? '.js' : '.ts'

// The migration files, named in knex_migrations as `<name>.ts` whichever build runs them: databases migrated
// from the sources have those names recorded, and a compiled server must see them as applied, not missing.
export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return fs
      .readdirSync(migrationsDir)
      .filter((file) => path.extname(file) === migrationExtension && !file.endsWith('.d.ts'))
      .sort()
  },
  getMigrationName: (file) => `${path.basename(file, migrationExtension)}.ts`,
  // require, not import(): both tsx and compiled CommonJS hand back the module's exports (up, down) as they are.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  getMigration: async (file) => require(path.join(migrationsDir, file))
}

// Names of the migrations in the code that the database has not applied (all of them on a fresh database).
export const pendingMigrations = async (db: Knex): Promise<string[]> => {
  const names = (await migrationSource.getMigrations([])).map(migrationSource.getMigrationName)
  if (!(await db.schema.hasTable('knex_migrations'))) return names
  const done = new Set((await db('knex_migrations').select('name')).map((row: { name: string }) => row.name))
  return names.filter((name) => !done.has(name))
}

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
  // PGlite allows exactly one connection; knex-pglite pins the pool to 1. Loaded only here: a server on
  // PostgreSQL does not carry the embedded database's code (start-up memory, issue 12).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('knex-pglite') as typeof ClientPgLite & { default?: typeof ClientPgLite }
  const client = loaded.default ?? loaded
  return knex({ client, dialect: 'postgres', connection: { filename: dataDir } } as Knex.Config)
}

// Applies every pending migration; the knex migration lock keeps two processes from racing. On PostgreSQL
// through a connection of its own without the statement timeout: a migration may rightly take minutes.
// Another process holding the lock (replicas starting together) is waited for, then the list is re-read.
const latest = async (db: Knex, lockWaitMs = 60000) => {
  const deadline = Date.now() + lockWaitMs
  for (;;) {
    try {
      return await db.migrate.latest({ migrationSource })
    } catch (error: any) {
      if (error?.name !== 'MigrationLocked' || Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}

export const migrateLatest = async (db: Knex) => {
  const config = db.client.config as Knex.Config
  const connection = config.connection as Record<string, unknown> | undefined
  if (config.client !== 'pg' || !connection || typeof connection !== 'object') {
    await latest(db)
    return
  }
  const unbounded = knex({
    ...config,
    connection: { ...connection, statement_timeout: 0, query_timeout: undefined },
    pool: { min: 0, max: 2 }
  })
  try {
    await latest(unbounded)
  } finally {
    await unbounded.destroy()
  }
}

export const postgresql = (app: Application) => {
  const db = createKnex(app.get('database'))
  app.set('postgresqlClient', db)
}
