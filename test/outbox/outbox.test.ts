// The outbox drainer against real PostgreSQL: commits and rollbacks, at-least-once with retries and a dead
// end, and two processes' drainers never handling one row twice.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { enqueue, outboxOf } from '../../src/outbox'
import type { OutboxRow } from '../../src/outbox'

const rowsOf = (topic: string) => sharedServer().app.get('postgresqlClient')('outbox').where({ topic })

describe('outbox', () => {
  it('keeps a row only when the change commits, and drains it once', async () => {
    const app = sharedServer().app
    const db = app.get('postgresqlClient')
    const topic = `test.${randomUUID()}`
    const seen: OutboxRow[] = []
    outboxOf(app).on(topic, async (_app, row) => {
      seen.push(row)
    })
    await assert.rejects(
      db.transaction(async (trx) => {
        await enqueue(trx, topic, { n: 0 })
        throw new Error('roll back')
      }),
      /roll back/
    )
    assert.equal((await rowsOf(topic)).length, 0)
    await db.transaction((trx) => enqueue(trx, topic, { n: 1 }))
    await outboxOf(app).drain()
    assert.deepEqual(
      seen.map((row) => row.payload),
      [{ n: 1 }]
    )
    assert.equal((await rowsOf(topic)).length, 0)
  })

  it('puts a failed row off by the backoff delay', async () => {
    const server = await startServer({ outbox: { retryDelayMs: 60000, maxAttempts: 5 } } as any)
    try {
      const app = server.app
      const topic = `test.${randomUUID()}`
      let calls = 0
      outboxOf(app).on(topic, async () => {
        calls++
        throw new Error('receiver down')
      })
      await enqueue(app.get('postgresqlClient'), topic, {})
      await outboxOf(app).drain()
      await outboxOf(app).drain()
      const [row] = await app
        .get('postgresqlClient')('outbox')
        .where({ topic })
        .select('*', app.get('postgresqlClient').raw('extract(epoch from available_at - now()) as wait'))
      assert.equal(calls, 1, 'not due again before the backoff')
      assert.equal(row.attempts, 1)
      assert.equal(row.dead_at, null)
      assert.ok(Number(row.wait) > 50 && Number(row.wait) <= 60, `due in ${row.wait} s`)
    } finally {
      await server.stop()
    }
  })

  it('retries a failing handler until maxAttempts, then marks the row dead', async () => {
    const server = await startServer({
      outbox: {
        immediate: true,
        leaseMs: 30000,
        batchSize: 10,
        retryDelayMs: 0,
        maxRetryDelayMs: 0,
        maxAttempts: 3
      }
    } as any)
    try {
      const app = server.app
      const topic = `test.${randomUUID()}`
      let calls = 0
      outboxOf(app).on(topic, async () => {
        calls++
        throw new Error(`attempt ${calls} failed`)
      })
      await enqueue(app.get('postgresqlClient'), topic, {})
      // No backoff (retryDelayMs 0): one drain pass retries until the row is dead.
      await outboxOf(app).drain()
      const [row] = await rowsOf(topic)
      assert.equal(calls, 3)
      assert.equal(row.attempts, 3)
      assert.equal(row.last_error, 'attempt 3 failed')
      assert.ok(row.dead_at, 'dead after maxAttempts')
      await outboxOf(app).drain()
      assert.equal(calls, 3, 'a dead row is never drained again')
    } finally {
      await server.stop()
    }
  })

  it('gives each row to exactly one of two processes draining at once', async () => {
    const servers: TestServer[] = [await startServer(), await startServer()]
    try {
      const topic = `test.${randomUUID()}`
      const handled = new Map<number, number>()
      for (const server of servers) {
        outboxOf(server.app).on(topic, async (_app, row) => {
          handled.set(row.payload.n, (handled.get(row.payload.n) ?? 0) + 1)
        })
      }
      const db = servers[0].app.get('postgresqlClient')
      await db('outbox').insert(
        Array.from({ length: 300 }, (_, n) => ({ topic, payload: JSON.stringify({ n }) }))
      )
      await Promise.all(servers.map((server) => outboxOf(server.app).drain()))
      assert.equal(handled.size, 300)
      assert.deepEqual([...new Set(handled.values())], [1])
      assert.equal((await rowsOf(topic)).length, 0)
    } finally {
      await Promise.all(servers.map((server) => server.stop()))
    }
  })
})
