// Every job this app knows, for the web process and `npm run worker` alike (one line per job).
import type { JobDefinition } from '../types'
import { retentionJob } from './retention'
import { pruneJobsJob } from './prune-jobs'
import { notificationEmailJob, notificationPushJob } from './notifications'
import { outboxSweepJob } from './outbox'
import { webhookPruneJob } from './webhooks'
import { uploadCheckJob, uploadCleanupJob } from './uploads'
import { analyticsFoldJob } from './analytics'

export const jobDefinitions: JobDefinition<any>[] = [
  retentionJob,
  pruneJobsJob,
  notificationEmailJob,
  notificationPushJob,
  outboxSweepJob,
  webhookPruneJob,
  uploadCheckJob,
  uploadCleanupJob,
  analyticsFoldJob
]
