// Fault: Redis killed for 10 s and started again under load, two server processes. Sends keep working; each
// process notices its adapter lost messages and tells its sockets `resync`; after the catch-up recipe (gap
// detection on seq, fill on resync) no member misses a message. A paused Redis keeps readiness answering.
import assert from 'node:assert/strict'
import Redis from 'ioredis'
import type { ClientApplication } from '../../src/client'
import { startProcesses, stopProcesses } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import type { Account } from '../helpers/fixtures'
import { suiteClients } from '../helpers/clients'
import { orgWithRoom } from '../helpers/org-room'
import { startRedisServer } from '../helpers/redis-server'
import type { OwnRedis } from '../helpers/redis-server'
import { CatchUpRecipe } from '../helpers/recipe'
import { sharedServer } from '../helpers/server'
import { eventually, socketSend, startLoad } from './load'

const OUTAGE_MS = 10000

describe('faults: Redis killed for 10 s and restarted under load (two processes)', function () {
  this.timeout(60000)
  let redis: OwnRedis
  let servers: ServerProcess[] = []
  const clients = suiteClients()

  before(async function () {
    this.timeout(60000)
    redis = await startRedisServer()
    servers = await startProcesses(2, { env: { REDIS_URL: redis.url(0) } })
  })
  after(async () => {
    await stopProcesses(servers)
    await redis?.stop()
  })
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      for (const p of servers) console.error(`--- process ${p.url} output:\n${p.output()}`)
  })

  // A member's device: a socket on one process, running the recipe on what it receives.
  const device = async (url: string, account: Account, roomId: string) => {
    const tc = await clients.track(url, 'socketio', account)
    const recipe = new CatchUpRecipe(tc.client as ClientApplication)
    let resyncs = 0
    tc.socket!.on('resync', (notice: any) => {
      assert.equal(notice?.reason, 'adapter_reconnected')
      resyncs++
      void recipe.resync()
    })
    tc.client.service('messages').on('created', (m: any) => recipe.receive(m))
    await recipe.follow(roomId)
    return { recipe, client: tc.client, resyncs: () => resyncs }
  }

  it('sends keep working; after the recipe no member misses a message', async () => {
    const [A, B] = servers
    const { members, roomId } = await orgWithRoom(sharedServer().url, 11, 'Redis fault')
    // Half the members on each process, so most deliveries cross processes through Redis.
    const devices = await Promise.all(members.map((m, i) => device(i % 2 ? B.url : A.url, m, roomId)))
    // Sends over each member's own socket (REST sends go through the Redis-backed REST budget: see README).
    const load = startLoad(
      socketSend(
        (sender) => devices[members.indexOf(sender)].client,
        roomId,
        (sender, message) => devices[members.indexOf(sender)].recipe.receive(message)
      ),
      members
    )
    await load.until((a) => a.status === 201, 20)

    await redis.kill()
    const killedAt = Date.now()
    await load.until((a) => a.startedAt > killedAt + 1000 && a.status === 201, 10)
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - killedAt)))
    await redis.start()
    const restartedAt = Date.now()
    // Every device is told to resynchronize once its process's adapter is back.
    await eventually(async () => devices.every((d) => d.resyncs() > 0), 15000)
    const recoveryMs = Date.now() - restartedAt
    await load.until((a) => a.startedAt > restartedAt && a.status === 201, 20)
    await load.stop()

    const db = sharedServer().app.get('postgresqlClient')
    const stored = await db('messages').where({ room_id: roomId }).select('id', 'seq')
    const acked = load.acked()
    const storedIds = new Set(stored.map((m: any) => m.id))
    const lost = acked.filter((m) => !storedIds.has(m.id)).length
    const missingOf = () =>
      devices.reduce((sum, d) => {
        const held = d.recipe.ids(roomId)
        return sum + stored.filter((m: any) => !held.has(m.id)).length
      }, 0)
    // The recipe settles (fills triggered by the last events finish); nothing is missing afterwards.
    let missing = -1
    await eventually(async () => {
      await Promise.all(devices.map((d) => d.recipe.settled()))
      missing = missingOf()
      return missing === 0
    }, 15000).catch(() => undefined)
    const failedSends = load.answers.filter((a) => a.status !== 201)
    const gaps = devices.reduce((sum, d) => sum + d.recipe.stats.gaps, 0)
    const fetched = devices.reduce((sum, d) => sum + d.recipe.stats.fetched, 0)
    console.log(
      `fault redis-kill: outage_ms=${OUTAGE_MS} members=${members.length} sends=${load.answers.length} ` +
        `acked=${acked.length} failed_sends=${failedSends.length} lost=${lost} ` +
        `pairs=${stored.length * members.length} gaps_detected=${gaps} fetched_by_recipe=${fetched} ` +
        `missing_after_recipe=${missing} resync_ms_after_restart=${recoveryMs}`
    )
    assert.deepEqual(
      failedSends.slice(0, 3).map((a) => [a.status, a.code]),
      [],
      `${failedSends.length} sends failed while Redis was down`
    )
    assert.equal(lost, 0, 'acknowledged messages lost')
    assert.equal(missing, 0, 'member×message pairs missing after the recipe')
    for (const p of servers) assert.equal(p.child.exitCode, null, 'a server process exited')
  })

  it('a paused Redis: readiness answers within a second, naming redis as down', async () => {
    await redis.start()
    const client = new Redis(redis.url(0), { lazyConnect: true, maxRetriesPerRequest: 1 })
    client.on('error', () => undefined)
    try {
      await client.connect()
      await client.call('CLIENT', 'PAUSE', '3000')
      const res = await fetch(`${servers[0].url}/health/ready`, { signal: AbortSignal.timeout(1000) })
      const body: any = await res.json()
      assert.equal(res.status, 503, JSON.stringify(body))
      assert.equal(body.checks.redis, 'down')
      assert.equal(body.checks.database, 'ok')
      await client.call('CLIENT', 'UNPAUSE')
      await eventually(async () => (await fetch(`${servers[0].url}/health/ready`)).status === 200, 10000)
    } finally {
      client.disconnect()
    }
  })
})
