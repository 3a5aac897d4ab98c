// A PostgreSQL database of a test's own, next to the suite's (DATABASE_URL + `_suffix`), dropped and created
// fresh; for tests whose job runners, migration rows or outages must not meet the suite's other servers.
import knex from 'knex'
import { migrateLatest } from '../../src/postgresql'

// DROP ... WITH (FORCE): a previous run's killed process may still hold connections to it.
const onMaintenance = async (url: URL, statements: (admin: knex.Knex, name: string) => Promise<void>) => {
  const maintenance = new URL(url.toString())
  maintenance.pathname = '/postgres'
  const admin = knex({ client: 'pg', connection: maintenance.toString() })
  try {
    await statements(admin, url.pathname.slice(1))
  } finally {
    await admin.destroy()
  }
}

/** Drops the database `url` names (if there) and creates it empty. */
export const recreateDatabase = (url: URL) =>
  onMaintenance(url, async (admin, name) => {
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
    await admin.raw('CREATE DATABASE ??', [name])
  })

export interface OwnDatabase {
  url: string
  drop: () => Promise<void>
}

/** A fresh database named after the suite's plus `_suffix`; `migrate` applies every migration first. */
export const ownDatabase = async (suffix: string, { migrate = false } = {}): Promise<OwnDatabase> => {
  const target = new URL(process.env.DATABASE_URL!)
  target.pathname = `${target.pathname}_${suffix}`
  await recreateDatabase(target)
  if (migrate) {
    const db = knex({ client: 'pg', connection: target.toString() })
    try {
      await migrateLatest(db)
    } finally {
      await db.destroy()
    }
  }
  return {
    url: target.toString(),
    drop: () =>
      onMaintenance(target, async (admin, name) => {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
      })
  }
}
