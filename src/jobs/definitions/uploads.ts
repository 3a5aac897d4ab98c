// Upload jobs: the check of a completed upload (queued by the outbox, src/uploads/lifecycle.ts) and the
// recurring cleanup of uploads never completed (uploads.cleanupIntervalMs, older than pendingMaxAgeSeconds).
import { logger } from '../../logger'
import { CHECK_JOB, CLEANUP_JOB, checkUpload, cleanupUploads } from '../../uploads/lifecycle'
import type { JobDefinition, OrgJobData } from '../types'

export interface UploadCheckData extends OrgJobData {
  upload_id: string
}

export const uploadCheckJob: JobDefinition<UploadCheckData> = {
  name: CHECK_JOB,
  // A store that is briefly down: a few quick retries (the check is idempotent).
  retry: { delayMs: 2000, factor: 2, maxRetries: 5 },
  adminFields: ['upload_id'],
  run: async ({ app, data }) => {
    const outcome = await checkUpload(app, data.upload_id)
    logger.debug({ job: CHECK_JOB, upload_id: data.upload_id, outcome }, 'upload checked')
  }
}

export const uploadCleanupJob: JobDefinition<OrgJobData> = {
  name: CLEANUP_JOB,
  concurrency: 1,
  everyMs: (app) => (app.get('uploads' as any) as { cleanupIntervalMs: number }).cleanupIntervalMs,
  run: async ({ app }) => {
    const removed = await cleanupUploads(app)
    logger.info({ job: CLEANUP_JOB, removed }, 'upload cleanup done')
  }
}
