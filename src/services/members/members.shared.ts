// Client-side registration of the members service.
import type { ClientApplication } from '../../client'
import type { Member, MemberData, MemberPatch, MemberQuery, MemberService } from './members.class'

export type { Member, MemberData, MemberPatch, MemberQuery }

export type MemberClientService = Pick<MemberService, (typeof memberMethods)[number]>

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
