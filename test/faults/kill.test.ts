// Fault: kill -9 of one of two server processes under load. No acknowledged message is lost; the killed
// process's clients reconnect to the other one and run the catch-up recipe (a reconnect counts as a resync):
// afterwards no member misses a message and none holds one twice.
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { startProcesses, stopProcesses } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import type { Account } from '../helpers/fixtures'
import { suiteClients } from '../helpers/clients'
import { orgWithRoom } from '../helpers/org-room'
import { CatchUpRecipe } from '../helpers/recipe'
import { sharedServer } from '../helpers/server'
import { eventually, restSend, startLoad } from './load'

const alive = (p: ServerProcess) => p.child.exitCode === null && p.child.signalCode === null

describe('faults: kill -9 of one of two processes under load', function () {
  this.timeout(60000)
  let servers: ServerProcess[] = []
  const clients = suiteClients()

  before(async function () {
    this.timeout(60000)
    servers = await startProcesses(2)
  })
  after(async () => {
    await stopProcesses(servers)
  })
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      for (const p of servers) console.error(`--- process ${p.url} output:\n${p.output()}`)
  })

  it('loses no acknowledged message; after reconnect and the recipe, 0 missing and 0 duplicates', async () => {
    const [A, B] = servers
    const { members, roomId } = await orgWithRoom(sharedServer().url, 11, 'Kill fault')

    // A member's device: a socket on one process; when that process dies it reconnects to a live one and
    // runs the recipe (as on `resync`). Counts events that delivered a message it already had from an event.
    const device = async (account: Account, first: ServerProcess) => {
      const state = { recipe: null as unknown as CatchUpRecipe, duplicates: 0, moved: false }
      const heard = new Set<string>()
      const attach = async (server: ServerProcess) => {
        const tc = await clients.track(server.url, 'socketio', account)
        tc.client.service('messages').on('created', (m: any) => {
          if (heard.has(m.id)) state.duplicates++
          heard.add(m.id)
          state.recipe.receive(m)
        })
        tc.socket!.once('disconnect', () => {
          const next = servers.find((p) => p !== server && alive(p))!
          void attach(next).then(async (client) => {
            state.moved = true
            await state.recipe.reconnected(client)
          })
        })
        return tc.client as ClientApplication
      }
      state.recipe = new CatchUpRecipe(await attach(first))
      await state.recipe.follow(roomId)
      return state
    }
    const devices = await Promise.all(members.map((m, i) => device(m, i % 2 ? B : A)))
    const load = startLoad(
      restSend(() => (alive(A) ? A.url : B.url), roomId),
      members
    )
    await load.until((a) => a.status === 201, 20)

    A.child.kill('SIGKILL')
    await new Promise((resolve) => A.child.once('exit', resolve))
    const killedAt = Date.now()
    const onA = devices.filter((_, i) => i % 2 === 0)
    await eventually(async () => onA.every((d) => d.moved), 15000)
    const recoveryMs = Date.now() - killedAt
    await load.until((a) => a.startedAt > killedAt && a.status === 201, 20)
    await load.stop()

    const db = sharedServer().app.get('postgresqlClient')
    const stored = await db('messages').where({ room_id: roomId }).select('id', 'seq').orderBy('seq')
    assert.deepEqual(
      stored.map((m: any) => m.seq),
      stored.map((_: any, i: number) => i + 1),
      'seqs are not gapless and unique'
    )
    const storedIds = new Set(stored.map((m: any) => m.id))
    const acked = load.acked()
    const lost = acked.filter((m) => !storedIds.has(m.id)).length
    let missing = -1
    await eventually(async () => {
      await Promise.all(devices.map((d) => d.recipe.settled()))
      missing = devices.reduce((sum, d) => {
        const held = d.recipe.ids(roomId)
        return sum + stored.filter((m: any) => !held.has(m.id)).length
      }, 0)
      return missing === 0
    }, 15000).catch(() => undefined)
    const duplicates = devices.reduce((sum, d) => sum + d.duplicates, 0)
    const unanswered = load.answers.filter((a) => a.status !== 201).length
    console.log(
      `fault kill-9: members=${members.length} sends=${load.answers.length} acked=${acked.length} ` +
        `refused_during_kill=${unanswered} lost=${lost} pairs=${stored.length * members.length} ` +
        `missing_after_recipe=${missing} duplicates=${duplicates} clients_back_ms=${recoveryMs}`
    )
    assert.equal(lost, 0, 'acknowledged messages lost')
    assert.equal(missing, 0, 'member×message pairs missing after the recipe')
    assert.equal(duplicates, 0, 'a message was delivered twice')
    assert.ok(alive(B), 'the surviving process exited')
  })
})
