// A socket login reads its rooms in the session check (no second query) and its socket still joins every room
// it is in, and none it is not in; other logins read the rooms as before.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { connect, suiteClients } from '../helpers/clients'
import { addMember, api, bearer, createOrg, uniq } from '../helpers/fixtures'
import { record } from '../helpers/events'
import { orgWithRoom } from '../helpers/org-room'
import { sqlDuring } from '../helpers/queries'

// SQL the server ran while `fn` did.
const queriesDuring = async (fn: () => Promise<unknown>) =>
  (await sqlDuring(sharedServer().app.get('postgresqlClient'), fn)).sql
const separateRoomsRead = (sql: string) => /from "room_members" where "user_id"/.test(sql)

describe('realtime: the rooms of a socket login', () => {
  const clients = suiteClients()

  it('come with its session check, and its socket gets the events of its rooms only', async () => {
    const url = sharedServer().url
    const { admin, members, roomId } = await orgWithRoom(url, 1, uniq('Login rooms '))
    const bob = members[1]
    const other = await api(url, 'POST', '/rooms', { name: uniq('Not Bob ') }, bearer(admin.accessToken))
    assert.equal(other.status, 201)
    const tc = await connect(url, 'socketio')
    const events = record(tc.client, ['messages'])
    try {
      const sql = await queriesDuring(() =>
        tc.client.authenticate({ strategy: 'jwt', accessToken: bob.accessToken })
      )
      assert.equal(sql.filter((s) => /_room_ids/.test(s)).length, 1, sql.join('\n'))
      assert.deepEqual(sql.filter(separateRoomsRead), [])
      const asAdmin = await clients.signedIn(admin, 'rest')
      await asAdmin.service('messages').create({ room_id: other.body.id, body: 'not for bob' })
      const mine = await asAdmin.service('messages').create({ room_id: roomId, body: 'for bob' })
      const got = await events.waitFor((r) => r.data.id === mine.id)
      assert.equal(got.data.body, 'for bob')
      assert.deepEqual(
        events.seen.filter((r) => r.data.room_id === other.body.id),
        [],
        'the room Bob is not in sent before reached him'
      )
    } finally {
      tc.close()
    }
  })

  it('a user in no room logs in over a socket; the room list never leaves in the answer', async () => {
    const url = sharedServer().url
    const { admin } = await createOrg(url)
    const carol = await addMember(url, admin)
    const tc = await connect(url, 'socketio')
    try {
      const result = await tc.client.authenticate({ strategy: 'jwt', accessToken: carol.accessToken })
      assert.equal(result.user.id, carol.id)
      assert.ok(!('_room_ids' in result.user), 'the room list never leaves in the answer')
    } finally {
      tc.close()
    }
  })

  it('a REST call does not read rooms in its session check', async () => {
    const url = sharedServer().url
    const { admin } = await createOrg(url)
    const sql = await queriesDuring(() => api(url, 'GET', '/rooms', undefined, bearer(admin.accessToken)))
    assert.equal(sql.filter((s) => /_room_ids/.test(s)).length, 0)
  })
})
