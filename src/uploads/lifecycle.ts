// An upload's life after its URL was issued: completion (the local PUT handler, or the client's
// `patch {status:'uploaded'}` for S3), the check job (exists, size, first bytes) and the cleanup of uploads
// never completed. Every status change is announced to the owner's devices as `uploads patched`.
import type { Knex } from 'knex'
import type { Application } from '../declarations'
import { conflict } from './errors'
import { notFound } from '../errors'
import { enqueueTopic, outboxOf } from '../outbox'
import { logger } from '../logger'
import { storageOf, uploadSettings } from './storage'
import { FILE_TYPES, HEAD_BYTES } from './types'

export const CHECK_JOB = 'uploads.check'
export const CLEANUP_JOB = 'uploads.cleanup'

// The event shape (uploadEventSchema): the publisher projects it, so the key never goes out.
export const announce = (app: Application, row: any) => {
  app.service('uploads').emit('patched', { ...row, size: Number(row.size) })
}

// pending -> uploaded, with the check's outbox row in the same transaction (a crash after the commit still
// gets the file checked). `beforeCommit` runs under the row lock (the local driver moves the file into place
// there, so a losing concurrent PUT never replaces the winner's bytes). Already completed: answered as is.
export const markUploaded = async (
  app: Application,
  where: { id: string; owner_id?: string; org_id?: string },
  beforeCommit?: () => Promise<void>
) => {
  const db: Knex = app.get('postgresqlClient')
  const result = await db.transaction(async (trx) => {
    const row = await trx('uploads').where(where).forUpdate().first()
    if (!row) throw notFound('Upload not found')
    if (row.status !== 'pending') return { row, changed: false }
    await beforeCommit?.()
    const [updated] = await trx('uploads')
      .where({ id: row.id })
      .update({ status: 'uploaded', completed_at: trx.fn.now(), updated_at: trx.fn.now() })
      .returning('*')
    await enqueueTopic(trx, 'uploadCompleted', { upload_id: row.id }, row.org_id)
    return { row: updated, changed: true }
  })
  if (result.changed) {
    outboxOf(app).kick()
    announce(app, result.row)
  }
  return result
}

// The PUT of the local driver wants "not pending" to be an error rather than an answer.
export const requirePending = (row: any) => {
  if (row.status !== 'pending') throw conflict('This upload was already completed', 'upload_not_pending')
}

// What is wrong with the stored object, or null when it is what the row declares.
const inspect = async (app: Application, row: any): Promise<string | null> => {
  const storage = storageOf(app)
  const stat = await storage.stat(row.key)
  if (!stat) return 'missing'
  if (stat.size !== Number(row.size)) return 'size_mismatch'
  const type = FILE_TYPES[row.content_type]
  if (!type || !type.matches(await storage.head(row.key, HEAD_BYTES))) return 'type_mismatch'
  return null
}

// The check job: idempotent (only an `uploaded` row is acted on, and the update re-checks the status), so a
// retried or duplicated job changes nothing twice. A rejected file's bytes are deleted at once.
export const checkUpload = async (app: Application, id: string) => {
  const db: Knex = app.get('postgresqlClient')
  const row = await db('uploads').where({ id }).first()
  if (!row || row.status !== 'uploaded') return 'skipped'
  const reason = await inspect(app, row)
  const [updated] = await db('uploads')
    .where({ id, status: 'uploaded' })
    .update({
      status: reason ? 'rejected' : 'ready',
      reason,
      checked_at: db.fn.now(),
      updated_at: db.fn.now()
    })
    .returning('*')
  if (!updated) return 'skipped'
  if (reason) await storageOf(app).remove(row.key)
  announce(app, updated)
  return updated.status as string
}

// Uploads never completed (still pending after uploads.pendingMaxAgeSeconds) lose their object and row;
// rejected rows go after the same age (their objects went at rejection). The row goes first: a PUT racing
// the cleanup finds no row and deletes its own file.
export const cleanupUploads = async (app: Application, batchSize = 500) => {
  const db: Knex = app.get('postgresqlClient')
  const { pendingMaxAgeSeconds } = uploadSettings(app)
  let removed = 0
  for (;;) {
    const gone: Array<{ key: string; status: string }> = await db('uploads')
      .whereIn(
        'id',
        db('uploads')
          .select('id')
          .whereIn('status', ['pending', 'rejected'])
          .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [pendingMaxAgeSeconds]))
          .limit(batchSize)
      )
      .whereIn('status', ['pending', 'rejected'])
      .del()
      .returning(['key', 'status'])
    for (const { key } of gone) {
      try {
        await storageOf(app).remove(key)
      } catch (error) {
        logger.warn({ err: error, key }, 'upload cleanup could not delete an object')
      }
    }
    removed += gone.length
    if (gone.length < batchSize) return removed
  }
}

// The outbox hands a completed upload to the check job (Agenda), so checks survive restarts and retry.
export const uploadHandlers = (app: Application) => {
  outboxOf(app).on('uploads.completed', async (_app, row) => {
    await app.get('jobRuntime').enqueue(CHECK_JOB, { upload_id: row.payload.upload_id, org_id: row.org_id })
  })
}
