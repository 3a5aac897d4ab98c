// Client-side registration of the members service.
import type { ClientApplication } from '../../client'
import type { Id, Params } from '@feathersjs/feathers'
import type { Member, MemberData, MemberPatch, MemberQuery } from './members.class'

export type { Member, MemberData, MemberPatch, MemberQuery }

// What clients call; params are optional on the wire.
export interface MemberClientService {
  find(params?: Params<MemberQuery>): Promise<{ total: number; limit: number; skip: number; data: Member[] }>
  get(id: Id, params?: Params): Promise<Member>
  create(data: MemberData, params?: Params): Promise<Member>
  patch(id: Id, data: MemberPatch, params?: Params): Promise<Member>
  remove(id: Id, params?: Params): Promise<Member>
}

export const memberPath = 'members'

export const memberMethods = ['find', 'get', 'create', 'patch', 'remove'] as const

export const memberClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(memberPath, connection.service(memberPath), { methods: [...memberMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [memberPath]: MemberClientService
  }
}
