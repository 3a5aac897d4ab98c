// Jobs after a database outage. A job that was claimed, or ran, while the connection went away keeps its lock
// (the write that would release it failed), and Agenda would leave it alone for a whole lock lifetime (10 min).
// So once a connection error is seen, the store is probed every few seconds; when it answers again, the locks
// this runtime holds on jobs that Agenda no longer holds are released, and the jobs run again at once.
//
// "Held" is asked of Agenda's processor, not of our own claim bookkeeping (issue 9): a job claimed ahead of its
// run time (up to processEvery early) whose first save at start fails in the outage is dropped by Agenda
// without a 'start' event, so a list of "claimed, not yet started" ids keeps it forever; skipping such ids left
// the recurring outbox sweep locked for its whole lock lifetime, and no job of the process ran after the outage.
import type { Agenda, NotificationChannel } from 'agenda'
import type { Pool } from 'pg'
import { isConnectionError } from '../errors'
import { logger } from '../logger'
import { JOBS_TABLE } from './backend'

// Ids of the jobs Agenda's processor holds in this process (queued after a claim, or running); none when this
// runtime does not process jobs. Read from a timer callback, so a claim that has answered is already in it.
export const heldByAgenda = (agenda: Agenda): string[] => {
  const processor = (agenda as any).jobProcessor
  const locked: unknown = processor?.lockedJobs
  if (!Array.isArray(locked)) return []
  return locked.map((job: any) => String(job?.attrs?._id))
}

export class OutageRecovery {
  private down = false
  private timer: NodeJS.Timeout | null = null
  private probing = false
  private channel: NotificationChannel | null = null
  private channelInUse: () => boolean = () => false

  constructor(
    private readonly pool: Pool,
    private readonly owner: string,
    // Jobs this process holds: their locks are not stale.
    private readonly held: () => string[],
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

  // The LISTEN channel reconnects by itself; should it ever give up ('error' after its attempts, or dropped to
  // 'disconnected' while in use), it is connected again once the database answers.
  superviseChannel(channel: NotificationChannel | null, inUse: () => boolean) {
    this.channel = channel
    this.channelInUse = inUse
  }

  lost() {
    if (!this.down) logger.warn('jobs: database connection lost; recovering when it answers again')
    this.down = true
  }

  private async probe() {
    if (this.probing) return
    this.probing = true
    try {
      await this.reviveChannel()
      if (!this.down) return
      const held = this.held()
      const released = await this.pool.query(
        `UPDATE "${JOBS_TABLE}" SET locked_at = NULL
         WHERE locked_at IS NOT NULL AND last_modified_by = $1 AND NOT (id::text = ANY($2::text[]))`,
        [this.owner, held]
      )
      this.down = false
      logger.info({ released: released.rowCount }, 'jobs: database back; stale locks released')
    } catch (err) {
      logger.debug({ err }, 'jobs: database still unavailable')
    } finally {
      this.probing = false
    }
  }

  private async reviveChannel() {
    const channel = this.channel
    if (!channel || !this.channelInUse()) return
    if (channel.state !== 'error' && channel.state !== 'disconnected') return
    logger.warn({ state: channel.state }, 'jobs: notification channel gave up; connecting it again')
    await channel.connect().catch((err: unknown) => {
      this.lost()
      throw err
    })
  }

  stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.channel = null
  }
}
