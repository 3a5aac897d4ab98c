// A pg.Pool look-alike over the app's own knex connection, so Agenda's Postgres backend can run on the embedded
// PGlite database (which is in-process and has exactly one connection, owned by knex).
import type { Knex } from 'knex'
import type { Pool } from 'pg'

interface QueryResult {
  rows: any[]
  rowCount: number
}

// Each query borrows knex's single connection and gives it back at once, so job bookkeeping queues behind the
// app's own queries and transactions instead of interleaving with them. Consequence: never await a job call
// (enqueue, list) inside a knex transaction in embedded mode; it would wait for the connection that the
// transaction holds (knex gives up after acquireConnectionTimeout).
export const knexPool = (db: Knex): Pool => {
  const client = db.client as any
  const query = async (text: string, params?: unknown[]): Promise<QueryResult> => {
    const connection = await client.acquireConnection()
    try {
      const result = await connection.query(text, params)
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length }
    } finally {
      await client.releaseConnection(connection)
    }
  }
  // Agenda's repository only uses pool.query, plus connect() once for a connectivity check.
  const pool = {
    query,
    connect: async () => ({ query, release: () => undefined }),
    end: async () => undefined,
    on: () => pool
  }
  return pool as unknown as Pool
}

// Runs multi-statement SQL (the table, index and trigger definitions) on PGlite, whose extended-protocol
// query() accepts one statement at a time while exec() takes a script.
export const execScript = async (db: Knex, sql: string) => {
  const client = db.client as any
  const connection = await client.acquireConnection()
  try {
    await connection.exec(sql)
  } finally {
    await client.releaseConnection(connection)
  }
}
