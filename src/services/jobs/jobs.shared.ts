// Client-side registration of the jobs service (read-only, ADMINs).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { JobPage, JobQuery, JobView } from './jobs.class'

export type { JobPage, JobQuery, JobView }

export interface JobClientService {
  find(params?: Params<JobQuery>): Promise<JobPage>
}

export const jobPath = 'jobs'

export const jobMethods = ['find'] as const

export const jobClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(jobPath, connection.service(jobPath), { methods: [...jobMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [jobPath]: JobClientService
  }
}
