// Client-side registration of the analytics service: `client.service('analytics').find({ query: { period } })`.
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Analytics, AnalyticsQuery } from './analytics.class'

export type { Analytics, AnalyticsQuery }

export interface AnalyticsClientService {
  find(params?: Params<AnalyticsQuery>): Promise<Analytics>
}

export const analyticsPath = 'analytics'

export const analyticsMethods = ['find'] as const

export const analyticsClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(analyticsPath, connection.service(analyticsPath), { methods: [...analyticsMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [analyticsPath]: AnalyticsClientService
  }
}
