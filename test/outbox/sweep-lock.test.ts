// The outbox sweep outlives a process that died holding its lock: the lock expires after the sweep's own
// short lifetime (not jobs.lockLifetimeMs, 10 min), and another process sweeps the rows that were owed.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { sharedServer } from '../helpers/server'
import { enqueue, outboxOf } from '../../src/outbox'
import { OUTBOX_SWEEP_JOB } from '../../src/jobs/definitions/outbox'

describe('outbox sweep: a lock left by a dead process', function () {
  this.timeout(40000)

  it('expires within seconds, and the rows owed are swept', async function () {
    const app = sharedServer().app
    const db = app.get('postgresqlClient')
    if (app.get('jobRuntime').store !== 'postgresql') this.skip()
    const topic = `test.${randomUUID()}`
    let handled!: () => void
    const swept = new Promise<void>((resolve) => (handled = resolve))
    outboxOf(app).on(topic, async () => handled())
    // As a process killed right after claiming the sweep leaves it: locked, never finished.
    const locked = await db('agenda_jobs')
      .where({ name: OUTBOX_SWEEP_JOB })
      .update({ locked_at: db.fn.now(), next_run_at: db.fn.now() })
    assert.equal(locked, 1, 'the sweep is scheduled')
    // Written outside any service call: only a sweep drains it.
    await enqueue(db, topic, {})
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the sweep did not run within 25 s of the lock')), 25000)
    )
    await Promise.race([swept, timeout])
  })
})
