// Walks the room policy table against the real services, over REST and Socket.IO: every action x every room
// role x archived or not x blocked or not, in a group room and in a DM. Each cell expects what the table
// (src/auth/room-policy.ts) answers, some cells also a hand-written answer (so a wrong table fails here), and
// a refused call must leave the room's rows exactly as they were.
import assert from 'node:assert/strict'
import { forEachTransport } from '../../helpers/clients'
import { roomActions } from '../../../src/auth/room-policy'
import type { RoomAction } from '../../../src/auth/room-policy'
import { clientPool, db } from '../rooms/helpers'
import {
  actors,
  archive,
  blockAll,
  buildDm,
  buildGroup,
  buildSet,
  describeState,
  roleOf,
  states
} from './fixtures'
import type { RoomFixture } from './fixtures'
import { check, dmCells, groupCells, handWritten, visited } from './cells'

forEachTransport('room policy: every action x role x archived x blocked', (transport) => {
  const pool = clientPool(transport)
  const fixtures: RoomFixture[] = []

  after(() => {
    const missed = Object.keys(handWritten).filter((key) => !visited.has(key))
    assert.deepEqual(missed, [], 'hand-written cells that no test reached')
  })

  before(async function () {
    this.timeout(60000)
    const [plain, blocking] = await Promise.all([
      buildSet(pool.url, (a) => pool.client(a)),
      buildSet(pool.url, (a) => pool.client(a))
    ])
    for (const state of states) {
      const set = state.blocked ? blocking : plain
      fixtures.push(await buildGroup(set, state), await buildDm(set, state))
    }
    await blockAll(blocking)
    for (const f of fixtures) if (f.state.archived) await archive(f)
  })

  for (const kind of ['group', 'dm'] as const) {
    for (const [i, state] of states.entries()) {
      it(`${kind}, ${describeState(state)}: every cell answers as the table says`, async () => {
        const f = fixtures.filter((x) => x.kind === kind)[i]
        assert.deepEqual(f.state, state)
        const covered = new Set<RoomAction>()
        if (kind === 'dm') {
          for (const cell of dmCells(f)) covered.add(await check(f, 'M', 'member', cell))
          // A DM has no join code and no owners: join and kick_owner have no DM cell.
          assert.deepEqual(
            roomActions.filter((a) => !covered.has(a)),
            ['join', 'kick_owner']
          )
          return
        }
        const { join_code: joinCode } = await db()('rooms')
          .select('join_code')
          .where({ id: f.roomId })
          .first()
        // Someone else's message and member row: the table's `own` rule.
        const o = f.client('O')
        const m = f.client('M')
        await check(
          f,
          'M',
          'member',
          { action: 'edit_own', own: false, run: () => m.service('messages').patch(f.del.M!, { body: 'x' }) },
          'edit_own(other)'
        )
        await check(
          f,
          'O',
          'owner',
          { action: 'mute', own: false, run: () => o.service('members').patch(f.rows.M!, { muted: true }) },
          'mute(other)'
        )
        // An outsider of the org's with the code.
        const j = f.client('J')
        covered.add(
          await check(f, 'J', null, {
            action: 'join',
            run: () => j.service('members').create({ join_code: joinCode })
          })
        )
        for (const x of actors) {
          // The code as it is now (an allowed rotate changed it).
          const now = (await db()('rooms').select('join_code').where({ id: f.roomId }).first()).join_code
          for (const cell of groupCells(f, x, now)) covered.add(await check(f, x, roleOf[x], cell))
        }
        // Owners are kicked only by owners: M and A try O2, O kicks O3 (O2 stays owner for O's leaving).
        for (const x of ['M', 'A', 'O'] as const) {
          const target = x === 'O' ? 'O3' : 'O2'
          const c = f.client(x)
          covered.add(
            await check(f, x, roleOf[x], {
              action: 'kick_owner',
              run: () => c.service('members').remove(f.rows[target]!)
            })
          )
        }
        for (const x of ['M', 'A', 'O'] as const) {
          const c = f.client(x)
          covered.add(
            await check(f, x, roleOf[x], {
              action: 'leave',
              run: () => c.service('members').remove(f.rows[x]!)
            })
          )
        }
        // Opening a DM is not an action on a group room; the DM cells cover it.
        assert.deepEqual(
          roomActions.filter((a) => !covered.has(a)),
          ['open_dm']
        )
      })
    }
  }
})
