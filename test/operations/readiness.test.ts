// /health/ready says 503 while the database is behind the code: a fresh database with no migrations applied,
// or one that lost a migration (rolled back, restored from an old backup); 200 once all are applied.
import assert from 'node:assert/strict'
import { migrateLatest, pendingMigrations } from '../../src/postgresql'
import { markDraining } from '../../src/middleware/health'
import { ownDatabase } from '../helpers/own-database'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

const ready = async (server: TestServer) => {
  const res = await fetch(`${server.url}/health/ready`)
  return { status: res.status, body: (await res.json()) as any }
}

describe('operations: readiness and migrations', function () {
  this.timeout(60000)
  let server: TestServer

  before(async () => {
    // A database of its own, left unmigrated, so removing a migration row races no other test.
    const { url } = await ownDatabase('readiness')
    server = await startServer({
      database: { url, dataDir: './data/test-unused', poolMax: 4 }
    })
  })
  after(async () => {
    await server?.stop()
  })

  it('a fresh database with no migration applied is not ready (503, migrations: pending)', async () => {
    const { status, body } = await ready(server)
    assert.equal(status, 503, JSON.stringify(body))
    assert.equal(body.checks.migrations, 'pending')
    assert.equal(body.checks.database, 'ok')
  })

  it('is ready once every migration is applied', async () => {
    await migrateLatest(server.app.get('postgresqlClient'))
    assert.deepEqual(await pendingMigrations(server.app.get('postgresqlClient')), [])
    const { status, body } = await ready(server)
    assert.equal(status, 200, JSON.stringify(body))
    assert.equal(body.checks.migrations, 'ok')
  })

  it('a migration missing from the database makes it not ready again, until it is back', async () => {
    const db = server.app.get('postgresqlClient')
    const last = await db('knex_migrations').orderBy('id', 'desc').first()
    await db('knex_migrations').where({ id: last.id }).delete()
    try {
      const { status, body } = await ready(server)
      assert.equal(status, 503, JSON.stringify(body))
      assert.equal(body.checks.migrations, 'pending')
      assert.deepEqual(await pendingMigrations(db), [last.name])
    } finally {
      await db('knex_migrations').insert(last)
    }
    assert.equal((await ready(server)).status, 200)
  })

  // Last: a draining app stays so (it is about to exit).
  it('a process shutting down is not ready (503, shutdown: draining)', async () => {
    markDraining(server.app)
    const { status, body } = await ready(server)
    assert.equal(status, 503, JSON.stringify(body))
    assert.equal(body.checks.shutdown, 'draining')
    assert.equal(body.checks.migrations, 'ok')
  })
})
