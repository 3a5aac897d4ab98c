// Client-side registration of the rooms service.
import type { ClientApplication } from '../../client'
import type { Id, Params } from '@feathersjs/feathers'
import type { Room, RoomData, RoomPage, RoomPatch, RoomQuery } from './rooms.class'

export type { Room, RoomData, RoomPatch, RoomQuery }

// What clients call; params are optional on the wire.
export interface RoomClientService {
  find(params?: Params<RoomQuery>): Promise<RoomPage>
  get(id: Id, params?: Params): Promise<Room>
  create(data: RoomData, params?: Params): Promise<Room>
  patch(id: Id, data: RoomPatch, params?: Params): Promise<Room>
}

export const roomPath = 'rooms'

export const roomMethods = ['find', 'get', 'create', 'patch'] as const

export const roomClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(roomPath, connection.service(roomPath), { methods: [...roomMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [roomPath]: RoomClientService
  }
}
