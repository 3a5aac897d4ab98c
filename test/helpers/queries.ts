// The SQL an app's knex ran while `work` ran (suites run one at a time, so nothing else of theirs interleaves).
import type { Knex } from 'knex'

export const sqlDuring = async <T>(
  db: Knex,
  work: () => Promise<T>
): Promise<{ result: T; sql: string[] }> => {
  const sql: string[] = []
  const listen = (query: { sql: string }) => sql.push(query.sql)
  db.on('query', listen)
  try {
    return { result: await work(), sql }
  } finally {
    db.off('query', listen)
  }
}
