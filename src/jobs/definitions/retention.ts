// Retention: messages older than their org's retention_days (default 90, set by ADMINs through orgs.patch) are
// purged in small batches by a recurring system job (retention.intervalMs) or an org-scoped run ({ org_id }).
//
// What purging does and does not touch: rows are deleted (their edit history in message_versions goes with them
// by ON DELETE CASCADE); nothing is renumbered. rooms.last_seq, members' last_read_seq/delivered_seq and the seqs
// of remaining messages stay as they were, so unread counts of the remaining messages do not change and a purged
// seq is never reused: purged seqs simply no longer exist, and history starts at the oldest remaining seq.
import type { Knex } from 'knex'
import { logger } from '../../logger'
import type { JobDefinition, OrgJobData } from '../types'

export interface PurgeOptions {
  orgId?: string
  batchSize: number
  // Called after every batch (the job renews its lock there).
  onBatch?: () => Promise<void>
}

export interface PurgeResult {
  orgs: number
  rooms: number
  deleted: number
}

// Walks a room from its oldest message in seq order, one batch at a time, and deletes the rows older than the
// cutoff. It stops at the first batch that reaches a message younger than the cutoff: later seqs are younger
// (seq follows send order), so a run costs one index probe per room plus the purged rows (and one batch),
// never a scan of a room's whole history. A row only milliseconds out of order waits for the next run.
const purgeRoom = async (db: Knex, roomId: string, cutoff: Date, options: PurgeOptions) => {
  // The common case, nothing expired yet, costs one row of the (room_id, seq) index.
  const oldest = await db('messages').where({ room_id: roomId }).orderBy('seq', 'asc').first('created_at')
  if (!oldest || new Date(oldest.created_at) >= cutoff) return 0
  let deleted = 0
  for (;;) {
    const batch: Array<{ id: string; created_at: Date }> = await db('messages')
      .where({ room_id: roomId })
      .orderBy('seq', 'asc')
      .limit(options.batchSize)
      .select('id', 'created_at')
    const expired = batch.filter((row) => new Date(row.created_at) < cutoff).map((row) => row.id)
    if (expired.length > 0) {
      // returning() rather than del()'s count: knex-pglite (embedded mode) answers del() with a raw result.
      const gone = await db('messages')
        .whereIn('id', expired)
        .where('created_at', '<', cutoff)
        .del()
        .returning('id')
      deleted += gone.length
      await options.onBatch?.()
    }
    if (expired.length < options.batchSize) return deleted
  }
}

export const purgeExpiredMessages = async (db: Knex, options: PurgeOptions): Promise<PurgeResult> => {
  // The cutoff comes from the database clock, the same clock that stamped created_at.
  const orgs: Array<{ id: string; cutoff: Date }> = await db('orgs')
    .modify((q) => {
      if (options.orgId) q.where({ id: options.orgId })
    })
    .select('id', db.raw('now() - make_interval(days => retention_days) as cutoff'))
  const result: PurgeResult = { orgs: orgs.length, rooms: 0, deleted: 0 }
  for (const org of orgs) {
    const roomIds: string[] = await db('rooms').where({ org_id: org.id }).pluck('id')
    for (const roomId of roomIds) {
      const deleted = await purgeRoom(db, roomId, new Date(org.cutoff), options)
      if (deleted > 0) result.rooms += 1
      result.deleted += deleted
    }
  }
  return result
}

export const retentionJob: JobDefinition<OrgJobData> = {
  name: 'retention.purge',
  // One purge at a time per process; several processes may still run org-scoped purges side by side safely.
  concurrency: 1,
  everyMs: (app) => app.get('retention').intervalMs,
  run: async ({ app, data, touch }) => {
    const started = Date.now()
    const result = await purgeExpiredMessages(app.get('postgresqlClient'), {
      orgId: data.org_id,
      batchSize: app.get('retention').batchSize,
      onBatch: touch
    })
    logger.info(
      { job: 'retention.purge', org_id: data.org_id ?? null, ...result, ms: Date.now() - started },
      'retention purge done'
    )
  }
}
