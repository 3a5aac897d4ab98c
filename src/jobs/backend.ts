// Where jobs live: the app's PostgreSQL by default, MongoDB when jobs.mongoUrl (MONGODB_URL) is set, and for the
// embedded default the same Agenda Postgres backend running over the app's in-process PGlite connection.
//
// Embedded mode, why this way: PGlite is in-process with one connection owned by knex. Serving it over the wire
// (pglite-socket) would add a socket server whose connections share one session (transactions serialized
// globally, no LISTEN/NOTIFY across connections), and a separate fallback scheduler would duplicate Agenda's
// locking, retry and state logic. Instead Agenda's own Postgres backend gets a pg.Pool look-alike that borrows
// knex's connection per query (knex-pool.ts): same Agenda, same table, same job definitions, same retries and
// listing; wake-ups come from an in-memory notification channel (there is only this one process), scheduled
// jobs and retries from polling every jobs.processEveryMs. `npm run worker` refuses embedded mode.
import type { Knex } from 'knex'
import { InMemoryNotificationChannel } from 'agenda'
import type { AgendaBackend, NotificationChannel } from 'agenda'
import {
  PostgresBackend,
  getCreateIndexesSQL,
  getCreateTableSQL,
  getUpdateTimestampTriggerSQL
} from '@agendajs/postgres-backend'
import pg from 'pg'
import type { Application } from '../declarations'
import { logger } from '../logger'
import { pgConnection } from '../postgresql'
import { execScript, knexPool } from './knex-pool'

export const JOBS_TABLE = 'agenda_jobs'
export type JobStore = 'postgresql' | 'mongodb' | 'embedded'

export interface JobBackend {
  store: JobStore
  backend: AgendaBackend
  notificationChannel?: NotificationChannel
  // Closes the connections the job store opened itself (the app's knex is the app's).
  close?: () => Promise<void>
  // The job store's own pg pool (postgresql store), for outage recovery.
  pool?: pg.Pool
}

// Serializes schema creation between processes starting at once (CREATE ... IF NOT EXISTS races otherwise).
const SCHEMA_LOCK = 730_145_902_114

const schemaStatements = () => [
  getCreateTableSQL(JOBS_TABLE),
  ...getCreateIndexesSQL(JOBS_TABLE),
  // The jobs service lists an org's jobs by `data @> {"org_id": ...}`.
  `CREATE INDEX IF NOT EXISTS "${JOBS_TABLE}_data_idx" ON "${JOBS_TABLE}" USING gin (data jsonb_path_ops)`,
  getUpdateTimestampTriggerSQL(JOBS_TABLE)
]

// Creates the jobs table once; Agenda's own ensureSchema would re-run DDL (and retake table locks) on every
// start of every process, and race when two start together.
export const ensureJobTable = async (db: Knex, embedded: boolean) => {
  const exists = async (q: Knex | Knex.Transaction) =>
    !!(await q.raw('select to_regclass(?) as t', [JOBS_TABLE])).rows[0]?.t
  if (embedded) {
    if (await exists(db)) return
    for (const sql of schemaStatements()) await execScript(db, sql)
    return
  }
  await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [SCHEMA_LOCK])
    if (await exists(trx)) return
    for (const sql of schemaStatements()) await trx.raw(sql)
  })
}

export const createJobBackend = async (app: Application): Promise<JobBackend> => {
  const { mongoUrl } = app.get('jobs')
  const { url } = app.get('database')
  const db = app.get('postgresqlClient')
  if (mongoUrl) {
    // MongoDB has no notification channel here: new jobs start within jobs.processEveryMs. Loaded only here:
    // the driver's BSON serializer allocates a 17 MB buffer at import, a tenth of a PostgreSQL server's RSS.
    const { MongoBackend } = await import('@agendajs/mongo-backend')
    return { store: 'mongodb', backend: new MongoBackend({ address: mongoUrl }) }
  }
  if (url) {
    await ensureJobTable(db, false)
    // A small pool of its own (plus one LISTEN connection) next to knex's: job polling never waits for requests.
    // Ours, not Agenda's, so that its errors are handled: an idle connection cut by a database restart emits
    // 'error' on the pool, which would otherwise end the process. Same timeouts as the app's connections.
    const pool = new pg.Pool({ ...pgConnection(app.get('database')), max: 3, idleTimeoutMillis: 5000 })
    pool.on('error', (err) => logger.warn({ err }, 'jobs: database connection lost'))
    const backend = new PostgresBackend({ pool, tableName: JOBS_TABLE, ensureSchema: false })
    // The LISTEN connection's loss is re-emitted on the channel (which reconnects by itself); an EventEmitter
    // 'error' without a listener throws.
    backend.notificationChannel?.on('error', (err: Error) =>
      logger.warn({ err }, 'jobs: notification channel error')
    )
    return { store: 'postgresql', backend, pool, close: () => pool.end() }
  }
  await ensureJobTable(db, true)
  const backend = new PostgresBackend({
    pool: knexPool(db),
    tableName: JOBS_TABLE,
    ensureSchema: false,
    disableNotifications: true
  })
  return { store: 'embedded', backend, notificationChannel: new InMemoryNotificationChannel() }
}
