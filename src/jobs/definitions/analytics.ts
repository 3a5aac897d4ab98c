// Keeps the analytics rollups close to now: a report folds what is left first, so this only bounds its work.
import { foldAnalytics } from '../../services/analytics/fold'
import type { JobDefinition } from '../types'

export const analyticsFoldJob: JobDefinition = {
  name: 'analytics.fold',
  concurrency: 1,
  retry: false,
  // The default (60 s) is in config/default.json, like every other setting; 0 = fold only for reports.
  everyMs: (app) => app.get('analytics')?.foldEveryMs ?? 0,
  run: async ({ app }) => {
    await foldAnalytics(app.get('postgresqlClient'))
  }
}
