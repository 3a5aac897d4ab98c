// Client-side registration of the search service: `client.service('search').find({ query: { q } })`.
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { SearchHit, SearchPage, SearchQuery } from './search.schema'

export type { SearchHit, SearchPage, SearchQuery }

export interface SearchClientService {
  find(params: Params<SearchQuery>): Promise<SearchPage>
}

export const searchPath = 'search'

export const searchMethods = ['find'] as const

export const searchClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(searchPath, connection.service(searchPath), { methods: [...searchMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [searchPath]: SearchClientService
  }
}
