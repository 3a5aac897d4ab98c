// Zulip's verify_action for blocks: the blocker on two Socket.IO devices, the blocked user and an outsider (same
// org) watch while a block is made; every event each device received up to a marker that all of them receive
// afterwards (sent once trigger and outbox work has settled) is counted by name, exactly. The two already share a
// DM, which a block leaves as it is: no room event may come of it.
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { sharedServer } from '../helpers/server'
import { suiteClients } from '../helpers/clients'
import { addMember, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import type { Recorded } from '../helpers/events'
import { countsOf, quiesce, watchDevices } from './verify-action.helpers'

const DEVICES = ['blocker1', 'blocker2', 'blocked', 'outsider'] as const
type Device = (typeof DEVICES)[number]

describe('realtime: verify_action for blocks (exact events per device)', function () {
  this.timeout(30000)
  let url: string
  const { signedIn: connect } = suiteClients()
  before(() => {
    url = sharedServer().url
  })

  const setup = async () => {
    const { admin: boss } = await createOrg(url)
    const [blocker, blocked, outsider] = await Promise.all([0, 1, 2].map(() => addMember(url, boss)))
    const as = {
      boss: await connect(boss, 'rest'),
      blocker: await connect(blocker, 'rest'),
      blocked: await connect(blocked, 'rest')
    }
    const dm = await as.blocker.service('rooms').create({ kind: 'dm', user_id: blocked.id })
    await as.blocked.service('messages').create({ room_id: dm.id, body: 'hello' })
    const markers = await as.boss
      .service('rooms')
      .create({ name: 'Markers', member_ids: [blocker.id, blocked.id, outsider.id] })

    const observe = async () => {
      await quiesce()
      const accounts: Record<Device, Account> = { blocker1: blocker, blocker2: blocker, blocked, outsider }
      return watchDevices(
        DEVICES,
        (name) => connect(accounts[name], 'socketio'),
        () => as.boss.service('messages').create({ room_id: markers.id, body: 'marker' })
      )
    }
    return { blocker, blocked, as, observe }
  }

  // Both users' devices exactly one event of `name` (the blocker's also `blockerAlso`), the outsider nothing; the event is the row both users
  // fetch now (its shared fields; each user's fetch adds personal ones).
  const verify = async (
    windows: Record<Device, Recorded[]>,
    name: string,
    fetchers: ClientApplication[],
    id: string,
    blockerAlso: Record<string, number> = {}
  ) => {
    const one = { [name]: 1 }
    const mine = { ...one, ...blockerAlso }
    const counts = Object.fromEntries(DEVICES.map((device) => [device, countsOf(windows[device])]))
    assert.deepEqual(counts, { blocker1: mine, blocker2: mine, blocked: one, outsider: {} })
    for (const client of fetchers) {
      const fresh: any = await client.service('friendships').get(id)
      for (const device of ['blocker1', 'blocker2', 'blocked'] as const) {
        const { data } = windows[device].find((r) => r.path === 'friendships')!
        assert.deepEqual(
          Object.fromEntries(Object.keys(data).map((key) => [key, fresh[key]])),
          data,
          `${device}: the event and a fresh fetch disagree`
        )
      }
    }
  }

  it('blocking a stranger: one `friendships created` (blocked) on both users’ devices', async () => {
    const { blocker, blocked, as, observe } = await setup()
    const { on, act } = await observe()
    const { result, windows } = await act(() =>
      on.blocker1.service('friendships').create({ user_id: blocked.id, block: true })
    )
    await verify(windows, 'friendships created', [as.blocker, as.blocked], result.id)
    assert.equal(windows.blocked[0].data.status, 'blocked')
    assert.deepEqual(windows.blocked[0].data.blocked_by, [blocker.id])
  })

  it('blocking a friend: one `friendships patched` (blocked) on both users’ devices', async () => {
    const { blocker, blocked, as, observe } = await setup()
    const request = await as.blocker.service('friendships').create({ user_id: blocked.id })
    await as.blocked.service('friendships').patch(request.id, { status: 'accepted' })
    const { on, act } = await observe()
    const { windows } = await act(() =>
      on.blocker1.service('friendships').patch(request.id, { status: 'blocked' })
    )
    await verify(windows, 'friendships patched', [as.blocker, as.blocked], request.id)
    assert.equal(windows.blocked[0].data.status, 'blocked')
    assert.deepEqual(windows.blocked[0].data.blocked_by, [blocker.id])
  })

  // Blocking someone who asked me answers their request: its notification (mine) counts as read.
  it('blocking someone who asked me: `friendships patched` for both, `notifications patched` for me', async () => {
    const { blocker, as, observe } = await setup()
    const request = await as.blocked.service('friendships').create({ user_id: blocker.id })
    const { on, act } = await observe()
    const { windows } = await act(() =>
      on.blocker1.service('friendships').patch(request.id, { status: 'blocked' })
    )
    await verify(windows, 'friendships patched', [as.blocker, as.blocked], request.id, {
      'notifications patched': 1
    })
    const notification = windows.blocker2.find((r) => r.path === 'notifications')!.data
    assert.deepEqual([notification.type, notification.friendship_id], ['friend_request', request.id])
    assert.ok(notification.read_at)
  })
})
