// Analytics: resolves the period asked for into UTC days, checks it, and answers the org's report (read-only).
import type { Params, ServiceInterface } from '@feathersjs/feathers'
import { BadRequest } from '@feathersjs/errors'
import type { Application } from '../../declarations'
import { requireOrgId } from '../../auth/principal'
import { buildReport } from './analytics.query'
import { foldAnalytics } from './fold'
import { MAX_PERIOD_DAYS } from './analytics.schema'
import type { Analytics, AnalyticsQuery } from './analytics.schema'

export type { Analytics, AnalyticsQuery }

export interface AnalyticsParams extends Params<AnalyticsQuery> {
  // Internal callers (scripts, the bench) name the org; external ones get their own.
  orgId?: string
}

const DAY_MS = 86_400_000
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10)
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`)

// from/to (inclusive UTC days), or a period ending today, or the last 30 days when neither is given.
export const resolveRange = (query: AnalyticsQuery, now = Date.now()): { from: string; to: string } => {
  if (query.period && (query.from || query.to)) {
    throw new BadRequest('Give either period or from/to, not both', { code: 'analytics_range_conflict' })
  }
  if (!query.from !== !query.to) {
    throw new BadRequest('from and to go together', { code: 'analytics_range_incomplete' })
  }
  if (query.from && query.to) {
    const days = (dayStart(query.to) - dayStart(query.from)) / DAY_MS + 1
    if (!Number.isFinite(days)) throw new BadRequest('Invalid date', { code: 'analytics_bad_date' })
    if (days < 1) throw new BadRequest('from is after to', { code: 'analytics_range_inverted' })
    if (days > MAX_PERIOD_DAYS) {
      throw new BadRequest(`A period covers at most ${MAX_PERIOD_DAYS} days`, {
        code: 'analytics_range_too_long',
        max_days: MAX_PERIOD_DAYS
      })
    }
    return { from: query.from, to: query.to }
  }
  const days = Number.parseInt(query.period ?? '30d', 10)
  const today = dayStart(isoDay(now))
  return { from: isoDay(today - (days - 1) * DAY_MS), to: isoDay(today) }
}

export class AnalyticsService implements ServiceInterface<Analytics, never, AnalyticsParams> {
  constructor(public app: Application) {}

  async find(params: AnalyticsParams = {}): Promise<Analytics> {
    const query = params.query ?? {}
    const orgId = params.provider ? requireOrgId(params) : (params.orgId ?? requireOrgId(params))
    const { from, to } = resolveRange(query)
    // Messages sent since the last fold are counted first: a report includes everything sent before it.
    await foldAnalytics(this.app.get('postgresqlClient'), orgId)
    return buildReport(this.app.get('postgresqlClient'), { orgId, from, to, limit: query.$limit ?? 10 })
  }
}
