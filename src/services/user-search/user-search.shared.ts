// Client-side registration of the user-search service: `client.service('user-search').find({ query: { q } })`.
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { UserHit, UserSearchPage, UserSearchQuery } from './user-search.schema'

export type { UserHit, UserSearchPage, UserSearchQuery }

export interface UserSearchClientService {
  find(params: Params<UserSearchQuery>): Promise<UserSearchPage>
}

export const userSearchPath = 'user-search'

export const userSearchMethods = ['find'] as const

export const userSearchClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(userSearchPath, connection.service(userSearchPath), { methods: [...userSearchMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [userSearchPath]: UserSearchClientService
  }
}
