// Shared set-up for the read-state suites: an org with members, typed clients that are closed afterwards,
// and row counts of every table (to prove read state never grows a row per message per member).
import type { Knex } from 'knex'
import { clientFor, createOrg, addMember } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import type { TestClient, Transport } from '../../helpers/clients'

// An org ADMIN plus `count` members of the same org.
export const team = async (url: string, count: number) => {
  const { admin } = await createOrg(url)
  const members: Account[] = []
  for (let i = 0; i < count; i++) members.push(await addMember(url, admin))
  return { admin, members }
}

// Opens clients and remembers them so the suite's `after` closes every socket.
export const clients = () => {
  const open: TestClient[] = []
  const client = async (url: string, account: Account, transport: Transport) => {
    const tc = await clientFor(url, transport, account)
    open.push(tc)
    return tc.client
  }
  return { client, closeAll: () => open.forEach((tc) => tc.close()) }
}

export const tableSizes = async (db: Knex) => {
  const tables = await db('information_schema.tables')
    .select('table_name')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
  const sizes: Record<string, number> = {}
  for (const { table_name: name } of tables) {
    const [{ count }] = await db(name).count({ count: '*' })
    sizes[name] = Number(count)
  }
  return sizes
}
