// Client-side registration of the rooms service.
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { Room, RoomData, RoomPatch, RoomQuery, RoomService } from './rooms.class'

export type { Room, RoomData, RoomPatch, RoomQuery }

export type RoomClientService = Pick<RoomService, (typeof roomMethods)[number]>

export const roomPath = 'rooms'

export const roomMethods = ['find', 'get', 'create', 'patch'] as const

export const roomClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(roomPath, connection.service(roomPath), { methods: [...roomMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [roomPath]: RoomClientService & { find(params?: Params<RoomQuery>): ReturnType<RoomService['find']> }
  }
}
