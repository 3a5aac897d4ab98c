// Rooms for walking the room policy table: per transport, one group room and one DM for each state
// (archived or not, blocked or not), built through the public API once and shared by every cell of that state.
import type { Account } from '../../helpers/fixtures'
import { addMember, createOrg } from '../../helpers/fixtures'
import type { ClientApplication } from '../../../src/client'
import { db } from '../rooms/helpers'

// Actors act; the others are what actions act on: K_* are kicked, N_* added, P is promoted and writes the
// messages managers delete, O2 stays owner throughout (it restores archive states), O3 is what O kicks as an
// owner, J joins by code. A DM is between M (the actor) and a peer.
export const actors = ['O', 'A', 'M'] as const
export type Actor = (typeof actors)[number]
const names = ['O', 'O2', 'O3', 'A', 'M', 'K_O', 'K_A', 'K_M', 'N_O', 'N_A', 'N_M', 'P', 'J'] as const
export type Name = (typeof names)[number]
export const roleOf: Record<Actor, 'owner' | 'admin' | 'member'> = { O: 'owner', A: 'admin', M: 'member' }

export interface State {
  archived: boolean
  blocked: boolean
}
export const states: State[] = [
  { archived: false, blocked: false },
  { archived: true, blocked: false },
  { archived: false, blocked: true },
  { archived: true, blocked: true }
]
export const describeState = (s: State) =>
  `${s.archived ? 'archived' : 'open'}, ${s.blocked ? 'blocked' : 'no block'}`

export interface RoomFixture {
  kind: 'group' | 'dm'
  state: State
  roomId: string
  users: Record<Name, Account>
  client: (name: Name) => ClientApplication
  // Member row ids by user, and the actor's own messages (to edit, to unsend) and P's (to delete) by actor.
  rows: Partial<Record<Name, string>>
  edit: Partial<Record<Name, string>>
  unsend: Partial<Record<Name, string>>
  del: Partial<Record<Name, string>>
  // The DM's other person.
  peer?: Name
}

type ClientOf = (account: Account) => Promise<ClientApplication>

// One set of users in its own org; the blocked states use a second set, since a block holds for a pair of
// users everywhere in the org.
export const buildSet = async (url: string, clientOf: ClientOf) => {
  const { admin } = await createOrg(url)
  const list = await Promise.all(names.map(() => addMember(url, admin)))
  const users = Object.fromEntries(names.map((name, i) => [name, list[i]])) as Record<Name, Account>
  const clients = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await clientOf(users[name])]))
  ) as Record<Name, ClientApplication>
  return { users, client: (name: Name) => clients[name] }
}

const send = async (c: ClientApplication, roomId: string, body: string) =>
  (await c.service('messages').create({ room_id: roomId, body })).id

export const buildGroup = async (set: Awaited<ReturnType<typeof buildSet>>, state: State) => {
  const { users, client } = set
  const o = client('O')
  const inRoom: Name[] = ['O2', 'O3', 'A', 'M', 'K_O', 'K_A', 'K_M', 'P']
  const room = await o.service('rooms').create({ name: 'Policy', member_ids: inRoom.map((n) => users[n].id) })
  const page = await o.service('members').find({ query: { room_id: room.id } })
  const rows: RoomFixture['rows'] = {}
  for (const name of ['O', ...inRoom] as Name[])
    rows[name] = page.data.find((m) => m.user_id === users[name].id)!.id
  for (const [name, role] of [
    ['O2', 'owner'],
    ['O3', 'owner'],
    ['A', 'admin']
  ] as const)
    await o.service('members').patch(rows[name]!, { role })
  const fixture: RoomFixture = {
    kind: 'group',
    state,
    roomId: room.id,
    users,
    client,
    rows,
    edit: {},
    unsend: {},
    del: {}
  }
  for (const actor of actors) {
    fixture.edit[actor] = await send(client(actor), room.id, `mine to edit, ${actor}`)
    fixture.unsend[actor] = await send(client(actor), room.id, `mine to unsend, ${actor}`)
    fixture.del[actor] = await send(client('P'), room.id, `for ${actor} to delete`)
  }
  return fixture
}

export const buildDm = async (set: Awaited<ReturnType<typeof buildSet>>, state: State) => {
  const { users, client } = set
  // Another peer per archive state: a pair has one DM.
  const peer: Name = state.archived ? 'K_M' : 'P'
  const room = await client('M').service('rooms').create({ kind: 'dm', user_id: users[peer].id })
  const page = await client('M')
    .service('members')
    .find({ query: { room_id: room.id } })
  const rows: RoomFixture['rows'] = {
    M: page.data.find((m) => m.user_id === users.M.id)!.id,
    [peer]: page.data.find((m) => m.user_id === users[peer].id)!.id
  }
  return {
    kind: 'dm',
    state,
    roomId: room.id,
    users,
    client,
    rows,
    peer,
    edit: { M: await send(client('M'), room.id, 'mine to edit') },
    unsend: { M: await send(client('M'), room.id, 'mine to unsend') },
    del: { M: await send(client(peer), room.id, 'theirs') }
  } satisfies RoomFixture as RoomFixture
}

// After the rooms and their messages exist (a block would stop the DMs): every actor blocks, or is blocked
// by, everyone their actions reach, and the other actors.
export const blockAll = async (set: Awaited<ReturnType<typeof buildSet>>) => {
  const pairs: Array<[Name, Name]> = [
    ['O', 'A'],
    ['O', 'M'],
    ['A', 'M'],
    ...actors.flatMap((x): Array<[Name, Name]> => [
      [x, `K_${x}` as Name],
      [x, 'P'],
      [x, 'O2']
    ]),
    ['O', 'O3']
  ]
  for (const [i, [a, b]] of pairs.entries()) {
    // Alternate who blocks: a block holds both ways, whoever made it.
    const [who, whom] = i % 2 ? [b, a] : [a, b]
    await set.client(who).service('friendships').create({ user_id: set.users[whom].id, block: true })
  }
}

export const archive = async (fixture: RoomFixture) => {
  if (fixture.kind === 'group') {
    await fixture.client('O2').service('rooms').patch(fixture.roomId, { archived: true })
  } else {
    // DIRECT DATABASE WRITE: a DM cannot be archived through the API (dm_immutable); the table still says
    // what an archive means for the actions a DM has.
    await db()('rooms').where({ id: fixture.roomId }).update({ archived_at: db().fn.now() })
  }
}

// Everything a refused call could have changed in the room: compared before and after.
export const snapshot = async (roomId: string) => ({
  room: await db()('rooms').where({ id: roomId }).first(),
  members: await db()('room_members').where({ room_id: roomId }).orderBy('id'),
  messages: await db()('messages').where({ room_id: roomId }).orderBy('seq'),
  versions: await db()('message_versions')
    .join('messages', 'messages.id', 'message_versions.message_id')
    .where('messages.room_id', roomId)
    .select('message_versions.*')
    .orderBy('message_versions.id')
})
