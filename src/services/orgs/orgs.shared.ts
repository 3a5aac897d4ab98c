// Client-side registration of the orgs service.
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Org, OrgData, OrgPatch, OrgQuery, OrgService } from './orgs.class'

export type { Org, OrgData, OrgPatch, OrgQuery }

export type OrgClientService = Pick<OrgService<Params<OrgQuery>>, (typeof orgMethods)[number]>

export const orgPath = 'orgs'

export const orgMethods: Array<keyof OrgService> = ['find', 'get', 'create', 'patch']

export const orgClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(orgPath, connection.service(orgPath), { methods: orgMethods })
}

declare module '../../client' {
  interface ServiceTypes {
    [orgPath]: OrgClientService
  }
}
