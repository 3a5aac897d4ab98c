// User search schemas: a prefix query and the matching users' public profiles, with my friendship to each.
import { resolve, virtual } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
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

// The search joins my friendship row as f_* columns; they become `friendship`, seen from the caller.
type UserHitRow = UserHit & { f_id?: string | null; f_status?: any; f_requester_id?: string | null }
export const userHitResolver = resolve<UserHitRow, HookContext>({
  avatar_url: async (value) => value ?? null,
  friendship: virtual(async (row, context) =>
    row.f_id
      ? {
          id: row.f_id,
          status: row.f_status,
          direction: row.f_requester_id === context.params.user?.id ? 'outgoing' : 'incoming'
        }
      : null
  ),
  f_id: async () => undefined,
  f_status: async () => undefined,
  f_requester_id: async () => undefined
})

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
