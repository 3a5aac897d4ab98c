// The catch-up recipe with the bulk call (test/helpers/recipe.ts, mode `bulk`): a device that was away from
// several rooms reconnects, runs one paged catch-up, and holds every message, live ones included.
import assert from 'node:assert/strict'
import { clientFor } from '../../helpers/fixtures'
import type { TestClient } from '../../helpers/clients'
import { sharedServer } from '../../helpers/server'
import { CatchUpRecipe } from '../../helpers/recipe'
import { orgWith } from '../rooms/helpers'
import type { ClientApplication } from '../../../src/client'

describe('catch-up recipe with the bulk call', function () {
  this.timeout(60000)
  const open: TestClient[] = []
  after(() => open.forEach((tc) => tc.close()))

  it('after a reconnect holds every message of every room, gapless, through paged bulk calls', async () => {
    const url = sharedServer().url
    const { admin, members } = await orgWith(url, 1)
    const a = (await clientFor(url, 'rest', admin)).client
    const alice = members[0]
    const roomIds: string[] = []
    for (const name of ['R1', 'R2', 'R3', 'R4']) {
      roomIds.push((await a.service('rooms').create({ name, member_ids: [alice.id] } as any)).id)
    }
    const sendAll = async (n: number, label: string) => {
      for (let i = 0; i < n; i++)
        await Promise.all(
          roomIds.map((room_id) => a.service('messages').create({ room_id, body: `${label} ${i}` }))
        )
    }
    await sendAll(3, 'before')

    // A device: live events go to the recipe; it follows the four rooms (their history so far).
    const device = async () => {
      const tc = await clientFor(url, 'socketio', alice)
      open.push(tc)
      return tc
    }
    const first = await device()
    const recipe = new CatchUpRecipe(first.client as ClientApplication, 'bulk')
    recipe.bulkLimit = 7
    first.client.service('messages').on('created', (m: any) => recipe.receive(m))
    for (const roomId of roomIds) await recipe.follow(roomId)
    first.close()

    await sendAll(10, 'away')
    const second = await device()
    second.client.service('messages').on('created', (m: any) => recipe.receive(m))
    const live = Promise.all(
      roomIds.map((room_id) => a.service('messages').create({ room_id, body: 'live' }))
    )
    await recipe.reconnected(second.client as ClientApplication)
    await live
    await recipe.settled()

    for (const roomId of roomIds) {
      const history = await a
        .service('messages')
        .find({ query: { room_id: roomId, limit: 100, order: 'asc' } })
      assert.equal(history.data.length, 14)
      assert.deepEqual(
        [...recipe.ids(roomId)].sort(),
        history.data.map((m) => m.id).sort(),
        'missing messages'
      )
      assert.equal(recipe.rooms.get(roomId)!.contiguous, 14)
    }
    // 40 missed (+ up to 4 live) in pages of 7: at least 6 bulk pages (a live message arriving before the
    // bulk reached its room may also fill that room alone: harmless, messages merge by seq).
    assert.ok(recipe.stats.bulkPages >= 6, `bulk pages ${recipe.stats.bulkPages}`)
    assert.equal(recipe.stats.resyncs, 1)
  })
})
