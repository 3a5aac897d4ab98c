// Mocha root hooks: a fresh test database on the real PostgreSQL, migrated once, and one shared server.
import knex from 'knex'
import { migrateLatest } from '../../src/postgresql'
import { recreateDatabase } from './own-database'
import { startSharedServer, stopSharedServer } from './server'
import { invalidEvents } from './events'

const testDatabaseUrl = () =>
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/chatboard_test'

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000)
    const url = new URL(testDatabaseUrl())
    process.env.DATABASE_URL = url.toString()
    await recreateDatabase(url)
    const db = knex({ client: 'pg', connection: url.toString() })
    try {
      await migrateLatest(db)
    } finally {
      await db.destroy()
    }
    await startSharedServer()
  },
  // Every event a test recorded must match the event catalogue's schema for its name.
  afterEach() {
    if (invalidEvents.length === 0) return
    const problems = invalidEvents.splice(0)
    throw new Error(`${problems.length} event(s) did not match their schema:\n${problems.join('\n')}`)
  },
  async afterAll() {
    await stopSharedServer()
  }
}
