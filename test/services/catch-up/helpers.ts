// Shared by the catch-up suites: every page of a catch-up, and what messages.find says the same positions miss.
import assert from 'node:assert/strict'
import type { ClientApplication } from '../../../src/client'

export type Since = Record<string, number>

// Every page of a catch-up from `since`, with `limit` per page; asserts the pages chain by cursor.
export const catchUpAll = async (c: ClientApplication, since: Since, limit: number, extra: object = {}) => {
  const pages: any[] = []
  let cursor: string | undefined
  for (;;) {
    const query: any = { since, limit, ...extra, ...(cursor ? { cursor } : {}) }
    const page = await c.service('catch-up').find({ query })
    pages.push(page)
    assert.ok(page.data.length <= limit)
    if (!page.has_more) {
      assert.equal(page.next_cursor, null)
      break
    }
    assert.equal(page.data.length, limit, 'a page with more after it is full')
    cursor = page.next_cursor!
  }
  return { pages, data: pages.flatMap((p) => p.data) }
}

// What messages.find answers after each position, room by room in room id order: the expected catch-up.
export const perRoom = async (c: ClientApplication, since: Since) => {
  const out: any[] = []
  for (const roomId of Object.keys(since).sort()) {
    for (let after = since[roomId], more = true; more;) {
      const page = await c.service('messages').find({ query: { room_id: roomId, after, limit: 100 } })
      out.push(...page.data)
      more = page.has_more
      if (page.data.length) after = page.data[page.data.length - 1].seq
    }
  }
  return out
}

export const send = async (c: ClientApplication, roomId: string, n: number, label: string) => {
  const sent = []
  for (let i = 0; i < n; i++)
    sent.push(await c.service('messages').create({ room_id: roomId, body: `${label} ${i}` }))
  return sent
}
