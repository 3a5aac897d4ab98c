// Jobs after a database outage. A job that was claimed, or ran, while the connection went away keeps its lock
// (the write that would release it failed), and Agenda would leave it alone for a whole lock lifetime (10 min).
// So once a connection error is seen, the store is probed every few seconds; when it answers again, the locks
// this runtime holds on jobs it is not running are released, and the jobs run again at once.
import type { Agenda } from 'agenda'
import type { Pool } from 'pg'
import { isConnectionError } from '../errors'
import { logger } from '../logger'
import { JOBS_TABLE } from './backend'

export class OutageRecovery {
  private down = false
  private timer: NodeJS.Timeout | null = null
  private probing = false

  constructor(
    private readonly pool: Pool,
    private readonly owner: string,
    private readonly running: () => string[],
    private readonly probeMs: number
  ) {}

  // Hooks the sources of connection errors: the pool (idle connections), Agenda (claims, saves), the channel.
  watch(agenda: Agenda, emitters: Array<{ on(event: 'error', fn: (err: Error) => void): unknown }>) {
    const seen = (err: unknown) => {
      if (isConnectionError(err)) this.lost()
    }
    ;(agenda as any).on('error', seen)
    for (const emitter of emitters) emitter.on('error', seen)
    this.timer = setInterval(() => void this.probe(), this.probeMs)
    this.timer.unref()
  }

  lost() {
    if (!this.down) logger.warn('jobs: database connection lost; recovering when it answers again')
    this.down = true
  }

  private async probe() {
    if (!this.down || this.probing) return
    this.probing = true
    try {
      const running = this.running()
      const released = await this.pool.query(
        `UPDATE "${JOBS_TABLE}" SET locked_at = NULL
         WHERE locked_at IS NOT NULL AND last_modified_by = $1 AND NOT (id::text = ANY($2::text[]))`,
        [this.owner, running]
      )
      this.down = false
      logger.info({ released: released.rowCount }, 'jobs: database back; stale locks released')
    } catch (err) {
      logger.debug({ err }, 'jobs: database still unavailable')
    } finally {
      this.probing = false
    }
  }

  stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
