// After-commit work survives a crash: a server process that committed sends, a member add and a friend
// request, but was SIGKILLed before draining its outbox, loses none of the notifications they owe. The other
// process's job runtime (the outbox sweep) sends every one, exactly once.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { startProcess } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { TestClient } from '../helpers/clients'
import { record } from '../helpers/events'

describe('outbox: a process killed between commit and delivery', function () {
  this.timeout(60000)
  let doomed: ServerProcess | null = null
  const open: TestClient[] = []
  afterEach(async () => {
    open.splice(0).forEach((tc) => tc.close())
    await doomed?.stop()
    doomed = null
  })

  it('loses no notification: the sweep on the surviving process sends each one once', async () => {
    const url = sharedServer().url
    // This process writes outbox rows but never drains them: no immediate drain, no job runtime.
    doomed = await startProcess({
      env: { JOBS_RUN_IN_WEB: 'false', OUTBOX_IMMEDIATE: 'false' }
    })
    const { admin } = await createOrg(url)
    const [alice, bob] = [await addMember(url, admin), await addMember(url, admin)]
    // Bob listens on the surviving process.
    const bobSocket = await clientFor(url, 'socketio', bob)
    open.push(bobSocket)
    const events = record(bobSocket.client, ['notifications'], ['created'])

    const as = async (account: typeof admin) => {
      const tc = await clientFor(doomed!.url, 'rest', account)
      open.push(tc)
      return tc.client
    }
    const [onAlice, onAdmin] = [await as(alice), await as(admin)]
    const dm = await onAlice.service('rooms').create({ kind: 'dm', user_id: bob.id })
    await onAlice.service('messages').create({ room_id: dm.id, body: 'are you there?' })
    const group = await onAdmin.service('rooms').create({ name: 'Crash course', member_ids: [alice.id] })
    await onAdmin.service('members').create({ room_id: group.id, user_id: bob.id })
    await onAlice.service('messages').create({ room_id: group.id, body: `@${bob.username} look` })
    await onAlice.service('friendships').create({ user_id: bob.id })

    const db = sharedServer().app.get('postgresqlClient')
    // The doomed process cannot deliver (no drain, no jobs), but the surviving one sweeps every second and
    // may already have handled some rows: each owed notification is still in the outbox or already made. Read
    // in that order (a handled row is deleted after its notification commits), a row handled between the two
    // reads counts twice, never zero times.
    const owed = await db('outbox').whereIn('topic', [
      'messages.created',
      'members.created',
      'friendships.requested'
    ])
    const made = await db('notifications').where({ user_id: bob.id })
    assert.ok(
      owed.length + made.length >= 4,
      `outbox rows written with the changes (${owed.length} owed, ${made.length} made)`
    )
    doomed.child.kill('SIGKILL')
    await new Promise((resolve) => doomed!.child.once('exit', resolve))

    const expected = ['dm', 'room_invite', 'mention', 'friend_request']
    for (const type of expected) await events.waitFor((e) => e.data.type === type, 20000)
    const stored = await db('notifications').where({ user_id: bob.id }).select('type')
    assert.deepEqual(stored.map((row) => row.type).sort(), [...expected].sort())
    assert.deepEqual(
      events.seen.map((e) => e.data.type).sort(),
      [...expected].sort(),
      'each notification announced once'
    )
  })
})
