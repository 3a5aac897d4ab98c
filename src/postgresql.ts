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
}

export const createKnex = (settings: DatabaseSettings): Knex => {
  if (settings.url) {
    return knex({ client: 'pg', connection: settings.url, pool: { min: 0, max: settings.poolMax } })
  }
  const dataDir = path.resolve(settings.dataDir)
  fs.mkdirSync(dataDir, { recursive: true })
  // PGlite allows exactly one connection; knex-pglite pins the pool to 1.
  return knex({ client: ClientPgLite, dialect: 'postgres', connection: { filename: dataDir } } as Knex.Config)
}

// Applies every pending migration; the knex migration lock keeps two processes from racing.
export const migrateLatest = async (db: Knex) => {
  await db.migrate.latest({ directory: migrationsDir, loadExtensions: ['.ts'] })
}

export const postgresql = (app: Application) => {
  const db = createKnex(app.get('database'))
  app.set('postgresqlClient', db)
}
