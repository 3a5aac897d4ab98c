// Notification delivery jobs: the per-user email digest (scheduled once per user while pending, see
// src/notifications/digest.ts) and the web push of one notification to the user's devices.
import { logger } from '../../logger'
import { EMAIL_JOB, runDigest } from '../../notifications/digest'
import type { DigestJobData } from '../../notifications/digest'
import { PUSH_JOB, runPush } from '../../notifications/push'
import type { PushJobData } from '../../notifications/push'
import type { JobDefinition } from '../types'

export const notificationEmailJob: JobDefinition<DigestJobData> = {
  name: EMAIL_JOB,
  run: async ({ app, data }) => {
    const outcome = await runDigest(app, data.user_id)
    logger.debug({ job: EMAIL_JOB, user_id: data.user_id, outcome }, 'notification digest done')
  }
}

export const notificationPushJob: JobDefinition<PushJobData> = {
  name: PUSH_JOB,
  // A push is only worth it while it is fresh: a few quick retries, then give up.
  retry: { delayMs: 5000, factor: 2, maxRetries: 3 },
  run: async ({ app, data }) => {
    const outcome = await runPush(app, data.notification_id)
    logger.debug({ job: PUSH_JOB, notification_id: data.notification_id, outcome }, 'web push done')
  }
}
