// Shared set-up for the rooms, members and messages suites: clients per transport, orgs with many users,
// error assertions and direct database access for checks (and, marked as such, bulk users).
import assert from 'node:assert/strict'
import type { Knex } from 'knex'
import { sharedServer } from '../../helpers/server'
import type { TestClient, Transport } from '../../helpers/clients'
import { addMember, clientFor, createOrg, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import type { ClientApplication } from '../../../src/client'

export const db = (): Knex => sharedServer().app.get('postgresqlClient')

// Clients opened by a suite are closed after it; `via` picks another transport (e.g. a socket to listen).
export const clientPool = (transport: Transport) => {
  const open: TestClient[] = []
  const pool = {
    url: '',
    client: async (account: Account, via: Transport = transport): Promise<ClientApplication> => {
      const tc = await clientFor(pool.url, via, account)
      open.push(tc)
      return tc.client
    }
  }
  before(() => {
    pool.url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))
  return pool
}

// An org with its ADMIN and `n` MEMBERs, all registered through the public API.
export const orgWith = async (url: string, n: number) => {
  const { admin, orgId } = await createOrg(url)
  const members = await Promise.all(Array.from({ length: n }, () => addMember(url, admin)))
  return { admin, orgId, members }
}

// Asserts a Feathers error by class name and data.code, showing what actually came back when it differs.
export const rejectsWith = (promise: Promise<unknown>, name: string, code?: string) =>
  assert.rejects(promise, (e: any) => {
    const got = `${e?.name}/${e?.data?.code}: ${e?.message}`
    assert.equal(e?.name, name, `expected ${name}/${code ?? '*'}, got ${got}`)
    if (code !== undefined) assert.equal(e?.data?.code, code, `expected ${name}/${code}, got ${got}`)
    return true
  })

// DIRECT DATABASE WRITE, for the 1,000-member test only: inserts active MEMBER users into an org in a few
// multi-row inserts (registering 1,000 users through the API would dominate the suite's run time). They get
// the password hash of an account registered through the API, so any of them can log in normally.
export const insertOrgUsers = async (orgId: string, template: Account, n: number) => {
  const { password } = await db()('users').select('password').where({ id: template.id }).first()
  const rows = Array.from({ length: n }, () => {
    const username = uniq('bulk')
    return { org_id: orgId, email: `${username}@example.com`, username, name: `Bulk ${username}`, password }
  })
  const users: Array<{ id: string; email: string; username: string }> = []
  for (let i = 0; i < rows.length; i += 500) {
    users.push(
      ...(await db()('users')
        .insert(rows.slice(i, i + 500))
        .returning(['id', 'email', 'username']))
    )
  }
  return users
}

// The member row of `userId` in a room, as seen by the given client.
export const memberOf = async (c: ClientApplication, roomId: string, userId: string) => {
  const page = await c.service('members').find({ query: { room_id: roomId, user_id: userId } })
  assert.equal(page.data.length, 1, `no member row for ${userId}`)
  return page.data[0]
}

// Waits (bounded) until `count` statements of this test database starting with `sql` are queued on a lock:
// the way to know concurrent requests reached their locking step without a fixed sleep.
export const waitUntilBlocked = async (sql: string, count = 1, timeoutMs = 5000) => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await db().raw(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and query ilike ?`,
      [`${sql}%`]
    )
    if (rows[0].n >= count) return
    if (Date.now() > until) throw new Error(`fewer than ${count} statements "${sql}..." waiting on a lock`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}
