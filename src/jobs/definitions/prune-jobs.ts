// Housekeeping: Agenda keeps finished one-off jobs in its store; this daily system job removes those that
// finished (or failed for good) more than jobs.keepFinishedDays ago, so listing and polling stay cheap.
import { logger } from '../../logger'
import type { JobDefinition } from '../types'

const DAY_MS = 24 * 60 * 60 * 1000

export const pruneJobsJob: JobDefinition = {
  name: 'jobs.prune',
  concurrency: 1,
  everyMs: (app) => (app.get('jobs').keepFinishedDays > 0 ? DAY_MS : 0),
  run: async ({ app }) => {
    const before = new Date(Date.now() - app.get('jobs').keepFinishedDays * DAY_MS)
    const removed = await app.get('jobRuntime').pruneFinished(before)
    logger.info({ job: 'jobs.prune', removed, before }, 'finished jobs pruned')
  }
}
