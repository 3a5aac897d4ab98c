// Analytics service: the org's activity report for its ADMINs (API keys with analytics:read), find only.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { requireRole } from '../../hooks/require-role'
import { requireOrg } from '../../hooks/require-org'
import { AnalyticsService } from './analytics.class'
import { analyticsQueryValidator } from './analytics.schema'
import { analyticsMethods, analyticsPath } from './analytics.shared'

export * from './analytics.class'
export * from './analytics.schema'

export const analytics = (app: Application) => {
  app.use(analyticsPath, new AnalyticsService(app), { methods: [...analyticsMethods], events: [] })

  app.service(analyticsPath).hooks({
    before: {
      // Users need the ADMIN role; API keys pass requireRole and are held to analytics:read by checkApiKeyScope.
      all: [requireOrg, requireRole('ADMIN'), schemaHooks.validateQuery(analyticsQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [analyticsPath]: AnalyticsService
  }
}
