// User search schemas: a prefix query and the matching users' public profiles, with my friendship to each.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../validators'
import { friendshipStatusSchema } from '../friendships/friendships.schema'

const Uuid = Type.String({ format: 'uuid' })

export const SEARCH_DEFAULT_LIMIT = 10
export const SEARCH_MAX_LIMIT = 50

export const userHitSchema = Type.Object(
  {
    id: Uuid,
    username: Type.String(),
    name: Type.String(),
    avatar_url: Type.Union([Type.String(), Type.Null()]),
    // Always 'active' for non-ADMINs: they never see suspended or banned users.
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('banned')]),
    // My friendship with this user, so a client can show "Add friend" or "Pending" next to each result.
    friendship: Type.Union([
      Type.Object({
        id: Uuid,
        status: friendshipStatusSchema,
        direction: Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')])
      }),
      Type.Null()
    ])
  },
  { $id: 'UserHit', additionalProperties: false }
)
export type UserHit = Static<typeof userHitSchema>

// `q` matches the start of a username or of any word of a name (case-insensitive); a leading @ is ignored.
export const userSearchQuerySchema = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 64 }),
    $limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_MAX_LIMIT }))
  },
  { $id: 'UserSearchQuery', additionalProperties: false }
)
export type UserSearchQuery = Static<typeof userSearchQuerySchema>
export const userSearchQueryValidator = getValidator(userSearchQuerySchema, queryValidator)

export interface UserSearchPage {
  limit: number
  // More users match than were returned: the client should ask with a longer prefix.
  has_more: boolean
  data: UserHit[]
}
