// Client-side registration of the catch-up service (find only).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { CatchUpPage, CatchUpQuery } from './catch-up.class'

export type { CatchUpPage, CatchUpQuery }

export interface CatchUpClientService {
  find(params?: Params<CatchUpQuery>): Promise<CatchUpPage>
}

export const catchUpPath = 'catch-up'

export const catchUpMethods = ['find'] as const

export const catchUpClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(catchUpPath, connection.service(catchUpPath), { methods: [...catchUpMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [catchUpPath]: CatchUpClientService
  }
}
