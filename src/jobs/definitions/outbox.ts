// The outbox sweep: every outbox.sweepMs the job runtime drains rows that no process drained right after its
// commit (the process died, a handler failed and is due again, or a lease expired).
import { outboxOf } from '../../outbox/outbox'
import type { JobDefinition } from '../types'

export const OUTBOX_SWEEP_JOB = 'outbox.sweep'

export const outboxSweepJob: JobDefinition = {
  name: OUTBOX_SWEEP_JOB,
  // A missed sweep is simply the next one.
  retry: false,
  // A process killed while it held (or had just claimed) the sweep must not stop every other process sweeping for
  // jobs.lockLifetimeMs (10 min). Two sweeps at once are harmless: outbox rows are claimed with their own leases.
  lockLifetimeMs: 10_000,
  everyMs: (app) => outboxOf(app).settings.sweepMs,
  run: async ({ app }) => {
    await outboxOf(app).drain()
  }
}
