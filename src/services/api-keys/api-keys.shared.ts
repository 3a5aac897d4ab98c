// Client-side registration of the api-keys service (type-only imports keep server code out of the client).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { ApiKey, ApiKeyData, ApiKeyQuery, ApiKeyService } from './api-keys.class'

export type { ApiKey, ApiKeyData, ApiKeyQuery }

export type ApiKeyClientService = Pick<ApiKeyService<Params<ApiKeyQuery>>, (typeof apiKeyMethods)[number]>

export const apiKeyPath = 'api-keys'

export const apiKeyMethods: Array<keyof ApiKeyService> = ['find', 'get', 'create', 'remove']

export const apiKeyClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(apiKeyPath, connection.service(apiKeyPath), { methods: apiKeyMethods })
}

declare module '../../client' {
  interface ServiceTypes {
    [apiKeyPath]: ApiKeyClientService
  }
}
