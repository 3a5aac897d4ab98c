// Malformed input never succeeds and never produces a 500: every reply is a 4xx Feathers error with a stable
// data.code, and nothing is written.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { bearer, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'

const ALLOWED = [400, 401, 403, 404, 405, 409, 429]

const bodies: string[] = [
  'null',
  '[]',
  '[{"a":1}]',
  '"text"',
  '12',
  '{"name":null}',
  '{"name":{"$gt":""}}',
  '{"email":["a@b.c"]}',
  '{"name":"' + 'x'.repeat(5000) + '"}',
  '{"password":12345678901234567890}',
  '{bad json',
  '{"__proto__":{"admin":true}}'
]

const queries = [
  '?$skip=100000000000000000000',
  '?$limit=100000000000000000000',
  '?room_id=00000000-0000-0000-0000-000000000000&before=100000000000000000000',
  '?$limit=abc',
  '?$where=1',
  '?name[$regex]=.*',
  '?$sort[password]=1',
  '?id=not-a-uuid',
  '?$select[]=password',
  '?created_at[$gt]=yesterday',
  '?$limit=-5'
]

describe('bad input never answers 500', () => {
  let url: string
  let admin: Account
  before(async () => {
    url = sharedServer().url
    ;({ admin } = await createOrg(url))
  })

  const send = async (method: string, path: string, body?: string, contentType = 'application/json') => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': contentType, ...bearer(admin.accessToken) },
      body
    })
    const json: any = await res.json().catch(() => null)
    return { status: res.status, json }
  }

  for (const path of [
    '/users',
    '/orgs',
    '/invites',
    '/api-keys',
    '/audit-logs',
    '/authentication',
    '/invite-acceptances',
    '/rooms',
    '/members',
    '/messages',
    '/receipts',
    '/unread-counts',
    '/message-versions',
    '/typing',
    '/notifications',
    '/notification-preferences',
    '/push-subscriptions',
    '/friendships',
    '/presence',
    '/user-search',
    '/jobs'
  ]) {
    it(`${path}: malformed bodies, queries and ids get clear 4xx errors`, async () => {
      const db = sharedServer().app.get('postgresqlClient')
      const count = async () =>
        Number((await db('users').count('* as n'))[0].n) + Number((await db('orgs').count('* as n'))[0].n)
      const before = await count()
      const replies: Array<{ what: string; status: number; json: any }> = []
      for (const body of bodies) {
        replies.push({ what: `POST ${body.slice(0, 30)}`, ...(await send('POST', path, body)) })
        replies.push({
          what: `PATCH ${body.slice(0, 30)}`,
          ...(await send('PATCH', `${path}/${admin.id}`, body))
        })
      }
      replies.push({
        what: 'form body',
        ...(await send('POST', path, 'a=1&b=2', 'application/x-www-form-urlencoded'))
      })
      for (const query of queries)
        replies.push({ what: `GET ${query}`, ...(await send('GET', `${path}${query}`)) })
      for (const id of [
        'x',
        "1' OR '1'='1",
        '%00',
        '00000000-0000-0000-0000-00000000000g',
        'a'.repeat(300)
      ]) {
        replies.push({
          what: `GET id ${id.slice(0, 20)}`,
          ...(await send('GET', `${path}/${encodeURIComponent(id)}`))
        })
        replies.push({
          what: `DELETE id ${id.slice(0, 20)}`,
          ...(await send('DELETE', `${path}/${encodeURIComponent(id)}`))
        })
      }
      // Every reply is a clean 4xx: a 2xx means malformed input was accepted, a 5xx that it broke something.
      const wrong = replies
        .filter((reply) => !ALLOWED.includes(reply.status) || typeof reply.json?.data?.code !== 'string')
        .map(
          (reply) => `${path} ${reply.what} -> ${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`
        )
      assert.deepEqual(wrong, [])
      assert.equal(await count(), before, 'malformed requests wrote rows')
    })
  }
})
