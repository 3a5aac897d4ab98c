// Friendship events on real sockets: every change reaches every device of both users, in order, as the shared
// row (no personal fields); a third user of the same org receives none of it, proven by a marker event that
// does reach them afterwards. Also the server-side hook point notifications will listen to.
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../src/client'
import { sharedServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { record } from '../helpers/events'
import type { Recorded } from '../helpers/events'

type Events = ReturnType<typeof record>

const PERSONAL = ['peer_id', 'direction', 'presence', 'dm_room_id', 'last_message', 'unread_count']

describe('realtime: friendship events', () => {
  let url: string
  const open: TestClient[] = []
  const rest = async (account: Account): Promise<ClientApplication> => {
    const tc = await clientFor(url, 'rest', account)
    open.push(tc)
    return tc.client
  }
  // One device (socket) of the account, recording every friendship event it receives.
  const device = async (account: Account): Promise<Events> => {
    const tc = await clientFor(url, 'socketio', account)
    open.push(tc)
    return record(tc.client, ['friendships'])
  }

  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('reaches both devices of both users for every change, and no third user', async () => {
    const { admin: ann } = await createOrg(url)
    const bob = await addMember(url, ann)
    const carol = await addMember(url, ann)
    const dave = await addMember(url, ann)
    const devices = [await device(ann), await device(ann), await device(bob), await device(bob)]
    const carolDevice = await device(carol)
    const asAnn = (await rest(ann)).service('friendships')
    const asBob = (await rest(bob)).service('friendships')

    // Each step's expected events, as [event, status, blocked_by]; every device must get exactly these.
    const expected: Array<[string, string, string[]]> = []
    const step = async (action: () => Promise<unknown>, ...events: Array<[string, string, string[]?]>) => {
      await action()
      for (const [event, status, blockedBy = []] of events) expected.push([event, status, blockedBy])
      await Promise.all(devices.map((d) => until(d, expected.length)))
    }
    // Resolves once the device has received `count` events in all.
    const until = (d: Events, count: number) =>
      d.seen.length >= count ? null : d.waitFor(() => d.seen.length >= count)

    const first = await asAnn.create({ user_id: bob.id })
    expected.push(['created', 'pending', []])
    await Promise.all(devices.map((d) => until(d, 1)))
    await step(() => asBob.patch(first.id, { status: 'rejected' }), ['patched', 'rejected'])
    // Bob changes his mind: the rejected row goes, a new request from him comes.
    let current = ''
    await step(
      async () => (current = (await asBob.create({ user_id: ann.id })).id),
      ['removed', 'rejected'],
      ['created', 'pending']
    )
    // Ann asks back: that accepts Bob's request (a change of the row, not a new one).
    await step(() => asAnn.create({ username: bob.username }), ['patched', 'accepted'])
    await step(() => asAnn.remove(current), ['removed', 'accepted'])
    await step(async () => (current = (await asBob.create({ user_id: ann.id })).id), ['created', 'pending'])
    await step(() => asBob.remove(current), ['removed', 'pending'])
    await step(
      async () => (current = (await asAnn.create({ user_id: bob.id, block: true })).id),
      ['created', 'blocked', [ann.id]]
    )
    await step(() => asBob.patch(current, { status: 'blocked' }), ['patched', 'blocked', [ann.id, bob.id]])
    await step(() => asAnn.remove(current), ['patched', 'blocked', [bob.id]])

    // Carol's own request is her marker: it reaches her after anything published to her before it.
    const marker = await (await rest(carol)).service('friendships').create({ user_id: dave.id })
    await carolDevice.waitFor((r) => r.event === 'created' && r.data.id === marker.id)
    // And Bob's last unblock reaches Ann's and Bob's devices after Carol's request would have.
    await step(() => asBob.remove(current), ['removed', 'blocked', [bob.id]])

    assert.deepEqual(
      carolDevice.seen.map((r) => r.data.id),
      [marker.id],
      'a third user received friendship events'
    )
    for (const [i, d] of devices.entries()) {
      const got = d.seen.map((r: Recorded) => [r.event, r.data.status, r.data.blocked_by])
      assert.deepEqual(got, expected, `device ${i} saw a different sequence`)
      for (const r of d.seen) {
        assert.deepEqual(new Set([r.data.requester_id, r.data.addressee_id]), new Set([ann.id, bob.id]))
        assert.ok(r.data.requester?.username && r.data.addressee?.username, 'events carry both profiles')
        for (const field of PERSONAL) assert.ok(!(field in r.data), `event carried personal field ${field}`)
      }
    }
  })

  it('announces a new request as `created` with status pending on the server (the notifications hook point)', async () => {
    const { admin: ann } = await createOrg(url)
    const bob = await addMember(url, ann)
    const service = sharedServer().app.service('friendships')
    const heard: Array<[string, string]> = []
    const onCreated = (f: any) => f.addressee_id === bob.id && heard.push(['created', f.status])
    const onPatched = (f: any) => f.addressee_id === bob.id && heard.push(['patched', f.status])
    service.on('created', onCreated)
    service.on('patched', onPatched)
    try {
      const sent = await (await rest(ann)).service('friendships').create({ user_id: bob.id })
      await (await rest(bob)).service('friendships').patch(sent.id, { status: 'accepted' })
      assert.deepEqual(heard, [
        ['created', 'pending'],
        ['patched', 'accepted']
      ])
    } finally {
      service.off('created', onCreated)
      service.off('patched', onPatched)
    }
  })
})
