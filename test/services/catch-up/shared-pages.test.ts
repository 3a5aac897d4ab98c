// Members of one room catching up in one statement share its messages (read, parsed and resolved once), and
// each still gets exactly its own page: the delivery state of a message only on its sender's page.
import assert from 'node:assert/strict'
import { createContext } from '@feathersjs/feathers'
import { sharedServer } from '../../helpers/server'
import { api, bearer, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { orgWithRoom } from '../../helpers/org-room'
import { sqlDuring } from '../../helpers/queries'

const app = () => sharedServer().app
const pageStatements = (sql: string[]) => sql.filter((s) => /jsonb_to_recordset/.test(s))

// What a socket caller gets (the call's dispatch, as Socket.IO sends it), through every hook. Over Socket.IO
// the calls' budgets are counted in memory, so calls started together reach the page loader in one turn (a
// REST call's budget is a Redis round trip, which may split them).
const externalCatchUp = async (account: Account, query: any = {}) => {
  const service = app().service('catch-up')
  const params = {
    provider: 'socketio',
    connection: {},
    authentication: { strategy: 'jwt', accessToken: account.accessToken },
    query
  }
  const context: any = await (service.find as any)(params, createContext(service as any, 'find'))
  return JSON.parse(JSON.stringify(context.dispatch))
}

const send = async (url: string, sender: Account, roomId: string, body: string) => {
  const sent = await api(url, 'POST', '/messages', { room_id: roomId, body }, bearer(sender.accessToken))
  assert.equal(sent.status, 201)
  return sent.body
}

describe('catch-up: pages of one statement share their messages', () => {
  it('each member gets its own page, with delivery state only on its own messages', async () => {
    const url = sharedServer().url
    const { members, roomId } = await orgWithRoom(url, 2, uniq('Shared pages '))
    const [admin, writer] = members
    const mine = [await send(url, admin, roomId, 'a1'), await send(url, admin, roomId, 'a2')]
    const theirs = await send(url, writer, roomId, 'w1')

    const alone = []
    for (const account of members) alone.push(await externalCatchUp(account))
    const { result: together, sql } = await sqlDuring(app().get('postgresqlClient'), () =>
      Promise.all(members.map((account) => externalCatchUp(account)))
    )
    assert.equal(pageStatements(sql).length, 1, sql.join('\n'))
    assert.deepEqual(together, alone)

    const [adminPage, writerPage, readerPage] = together
    for (const page of together) {
      assert.deepEqual(
        page.data.map((m: any) => m.id),
        [...mine, theirs].map((m) => m.id)
      )
      assert.deepEqual(page.new_rooms, [roomId])
    }
    const withDelivery = (page: any) => page.data.filter((m: any) => m.delivery).map((m: any) => m.id)
    assert.deepEqual(
      withDelivery(adminPage),
      mine.map((m) => m.id)
    )
    assert.deepEqual(withDelivery(writerPage), [theirs.id])
    assert.deepEqual(withDelivery(readerPage), [])
    // The writer's send read what came before it; the reader read nothing.
    assert.deepEqual(adminPage.data[0].delivery, {
      status: 'persisted',
      recipients: 2,
      delivered: 1,
      read: 1
    })
    assert.equal(readerPage.data.length, 3)
  })

  it('members at different positions share what their pages have in common', async () => {
    const url = sharedServer().url
    const { members, roomId } = await orgWithRoom(url, 1, uniq('Shared positions '))
    const sent = []
    for (let i = 0; i < 4; i++) sent.push(await send(url, members[0], roomId, `m${i}`))
    const queries = [{ since: { [roomId]: sent[1].seq } }, { since: { [roomId]: 0 }, limit: 2 }]
    const alone = []
    for (let i = 0; i < 2; i++) alone.push(await externalCatchUp(members[i], queries[i]))
    const { result: together, sql } = await sqlDuring(app().get('postgresqlClient'), () =>
      Promise.all([0, 1].map((i) => externalCatchUp(members[i], queries[i])))
    )
    assert.equal(pageStatements(sql).length, 1, sql.join('\n'))
    assert.deepEqual(together, alone)
    assert.deepEqual(
      together[0].data.map((m: any) => m.seq),
      [sent[2].seq, sent[3].seq]
    )
    assert.ok(
      together[0].data.every((m: any) => m.delivery),
      "the sender's own messages"
    )
    assert.deepEqual(
      together[1].data.map((m: any) => [m.seq, m.delivery]),
      [
        [sent[0].seq, undefined],
        [sent[1].seq, undefined]
      ]
    )
    assert.equal(together[1].has_more, true)
  })
})
