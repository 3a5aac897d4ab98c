// The send statement's own guarantees: no lock on the org's row (no MultiXact per send), a message's org is
// its room's org, and a socket send's session check reads one user whatever the planner knows.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { createOrg, createRoom } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'

describe('messages: the send statement', () => {
  const app = () => sharedServer().app
  const db = () => app().get('postgresqlClient')
  const userRow = async (account: Account) => db()('users').where({ id: account.id }).first()
  const room = (owner: Account, name: string, members: Account[] = []) =>
    createRoom(sharedServer().url, owner, name, members)

  const item = (roomId: string, user: any, body: string) => ({
    room: roomId,
    org: user.org_id,
    sender: user.id,
    body,
    mentions: [],
    client_msg_id: null,
    client_sent_at: null,
    session: null
  })

  it('takes no lock on its org’s row while a send is open (no MultiXact per send)', async () => {
    const { admin, orgId } = await createOrg(sharedServer().url)
    const roomId = await room(admin, 'no-org-lock')
    const me = await userRow(admin)
    const trx = await db().transaction()
    try {
      const sent = await trx.raw(
        'select b.error_code, (b.msg).seq from chatboard_send_messages(?::jsonb) b',
        [JSON.stringify([item(roomId, me, 'held open')])]
      )
      assert.deepEqual(sent.rows, [{ error_code: null, seq: 1 }])
      // A foreign key to orgs would hold KEY SHARE on this row until the send commits: FOR UPDATE would wait.
      const other = await db().transaction()
      try {
        const locked = await other.raw('select id from orgs where id = ? for update nowait', [orgId])
        assert.equal(locked.rows.length, 1)
      } finally {
        await other.rollback()
      }
    } finally {
      await trx.rollback()
    }
  })

  it('refuses a message whose org is not its room’s org (23503, nothing stored)', async () => {
    const { admin } = await createOrg(sharedServer().url)
    const { orgId: otherOrg } = await createOrg(sharedServer().url)
    const roomId = await room(admin, 'org-mismatch')
    await assert.rejects(
      db()('messages').insert({ org_id: otherOrg, room_id: roomId, seq: 1, sender_id: admin.id, body: 'x' }),
      { code: '23503', constraint: 'messages_room_org_foreign' }
    )
    assert.equal((await db()('messages').where({ room_id: roomId })).length, 0)
  })

  it('checks a socket send’s session by the sender’s row alone, not by reading the org’s users', async () => {
    const { admin, orgId } = await createOrg(sharedServer().url)
    const roomId = await room(admin, 'session-check')
    const me = await userRow(admin)
    const session = (await db()('auth_sessions').where({ user_id: admin.id, revoked_at: null }).first()).id
    // Enough users in the org that reading them all shows (the test database is never analyzed: PGlite's case).
    await db()('users').insert(
      Array.from({ length: 40 }, (_, i) => ({
        org_id: orgId,
        email: `${me.username}-peer${i}@example.com`,
        username: `${me.username}-peer${i}`,
        name: `peer ${i}`
      }))
    )
    const trx = await db().transaction()
    try {
      // This transaction's own counts, exact and immediate (pg_stat_xact_*).
      const usersRead = async () =>
        Number(
          (await trx.raw(`select idx_tup_fetch from pg_stat_xact_user_tables where relname = 'users'`))
            .rows[0].idx_tup_fetch
        )
      const before = await usersRead()
      // Past plpgsql's five custom plans: the cached generic plan is what every later send runs.
      const sends = 8
      for (let i = 0; i < sends; i++) {
        const sent = await trx.raw('select b.error_code from chatboard_send_messages(?::jsonb) b', [
          JSON.stringify([{ ...item(roomId, me, `checked ${i}`), session }])
        ])
        assert.deepEqual(sent.rows, [{ error_code: null }])
      }
      // A few rows per send by key (the sender; foreign-key checks); the org's users would be 41 or more each.
      const perSend = ((await usersRead()) - before) / sends
      assert.ok(perSend < 10, `read ${perSend} user rows per send`)
    } finally {
      await trx.rollback()
    }
  })
})
