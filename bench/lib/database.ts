// A bench database dropped and created empty before seeding, so every run measures the same fresh data.
import knex from 'knex'

// WITH (FORCE): a previous run stopped part-way may still hold connections to it.
export const recreateDatabase = async (url: URL) => {
  const maintenance = new URL(url.toString())
  maintenance.pathname = '/postgres'
  const admin = knex({ client: 'pg', connection: maintenance.toString() })
  try {
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [url.pathname.slice(1)])
    await admin.raw('CREATE DATABASE ??', [url.pathname.slice(1)])
  } finally {
    await admin.destroy()
  }
}
