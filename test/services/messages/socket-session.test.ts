// Socket sends authenticate from the connection's memory and check the session inside the send statement: no
// authentication query per send, yet a revoked session, a suspended account or a changed org is refused as
// the full authentication refuses it, and nothing is stored.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { suiteClients } from '../../helpers/clients'
import { createOrg } from '../../helpers/fixtures'
import { orgWithRoom } from '../../helpers/org-room'
import { sqlDuring } from '../../helpers/queries'

describe('messages: socket sends check their session in the send', () => {
  const { signedIn } = suiteClients()
  const db = () => sharedServer().app.get('postgresqlClient')
  const sessionOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid
  const stored = async (roomId: string) =>
    Number((await db()('messages').where({ room_id: roomId }).count())[0].count)

  // What the app's knex ran while `work` ran.
  const queriesDuring = async (work: () => Promise<unknown>) => (await sqlDuring(db(), work)).sql
  // The access-token check reads the session row (auth/session-lookup.ts); the send function's doesn't show.
  const readsSessions = (sql: string) => /\bauth_sessions\b/.test(sql)

  // An owner's socket that has sent one message (so its connection already knows its session).
  const sentOnce = async () => {
    const { admin: owner, roomId } = await orgWithRoom(sharedServer().url, 0, 'sessions')
    const client = await signedIn(owner, 'socketio')
    await client.service('messages').create({ room_id: roomId, body: 'before' })
    return { owner, roomId, client }
  }

  it('runs no authentication query for a send, only for other calls', async () => {
    const { admin: owner, roomId } = await orgWithRoom(sharedServer().url, 0, 'sessions')
    const client = await signedIn(owner, 'socketio')
    await client.service('rooms').get(roomId)
    const sends = await queriesDuring(async () => {
      for (let i = 0; i < 3; i++) await client.service('messages').create({ room_id: roomId, body: `m${i}` })
    })
    assert.equal(sends.filter(readsSessions).length, 0)
    assert.equal(sends.filter((sql) => sql.includes('chatboard_send_messages(')).length, 3)
    const other = await queriesDuring(() => client.service('rooms').get(roomId))
    assert.equal(other.filter(readsSessions).length, 1)
  })

  it('refuses a send on a session revoked behind the connection’s back (401), storing nothing', async () => {
    const { owner, roomId, client } = await sentOnce()
    await db()('auth_sessions')
      .where({ id: sessionOf(owner.accessToken) })
      .update({ revoked_at: new Date() })
    await assert.rejects(client.service('messages').create({ room_id: roomId, body: 'after' }), {
      name: 'NotAuthenticated',
      data: { code: 'session_revoked' }
    })
    assert.equal(await stored(roomId), 1)
  })

  it('refuses a send from an account suspended behind the connection’s back (403)', async () => {
    const { owner, roomId, client } = await sentOnce()
    await db()('users').where({ id: owner.id }).update({ status: 'suspended' })
    await assert.rejects(client.service('messages').create({ room_id: roomId, body: 'after' }), {
      name: 'Forbidden',
      data: { code: 'account_suspended' }
    })
    assert.equal(await stored(roomId), 1)
  })

  it('sends as who the account is now when its org changed: no longer into the old org’s room', async () => {
    const { owner, roomId, client } = await sentOnce()
    const elsewhere = await createOrg(sharedServer().url)
    await db()('users').where({ id: owner.id }).update({ org_id: elsewhere.orgId })
    await assert.rejects(client.service('messages').create({ room_id: roomId, body: 'after' }), {
      name: 'NotFound'
    })
    assert.equal(await stored(roomId), 1)
  })
})
