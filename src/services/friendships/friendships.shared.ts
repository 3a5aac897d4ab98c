// Client-side registration of the friendships service; changes arrive as `friendships created/patched/removed`.
import type { Id, Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type {
  Friendship,
  FriendshipData,
  FriendshipPage,
  FriendshipPatch,
  FriendshipQuery,
  FriendshipView
} from './friendships.schema'

export type { Friendship, FriendshipData, FriendshipPage, FriendshipPatch, FriendshipQuery, FriendshipView }

// What clients call; params are optional on the wire.
export interface FriendshipClientService {
  find(params?: Params<FriendshipQuery>): Promise<FriendshipPage>
  get(id: Id, params?: Params): Promise<FriendshipView>
  create(data: FriendshipData, params?: Params): Promise<FriendshipView>
  patch(id: Id, data: FriendshipPatch, params?: Params): Promise<FriendshipView>
  remove(id: Id, params?: Params): Promise<Friendship>
}

export const friendshipPath = 'friendships'

export const friendshipMethods = ['find', 'get', 'create', 'patch', 'remove'] as const

export const friendshipClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(friendshipPath, connection.service(friendshipPath), { methods: [...friendshipMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [friendshipPath]: FriendshipClientService
  }
}
