// User search within my org by username or name-word prefix, best matches first. Never other orgs' users;
// suspended and banned users only for ADMINs (who manage them). Both conditions use an index (migration
// 20261122140000): lower(username) text_pattern_ops for LIKE 'q%', a GIN full-text index for name words.
import { BadRequest } from '@feathersjs/errors'
import type { ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT } from './user-search.schema'
import type { UserHit, UserSearchPage, UserSearchQuery } from './user-search.schema'

export type { UserHit, UserSearchPage, UserSearchQuery }
export interface UserSearchParams extends KnexAdapterParams<UserSearchQuery> {}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

// Each word of the query must start a word of the name: 'ann sm' finds "Ann Smith". Only letters and digits
// reach to_tsquery, so no input can be tsquery syntax.
const namePrefixQuery = (text: string) => {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? []
  return words.length ? words.map((word) => `'${word}':*`).join(' & ') : null
}

// Reads users through the adapter with the search as params.knex; no total (a search is refined, not paged):
// one row more than the limit says whether there is more.
export class UserSearchService
  extends KnexService<UserHit, never, UserSearchParams>
  implements ServiceInterface<UserHit, never, UserSearchParams>
{
  // My org's users matching q, best first, with my friendship row to each (userHitResolver shapes it).
  private search(params: UserSearchParams, q: string) {
    const user = requireUser(params)
    const orgId = requireOrgId(params)
    const prefix = `${escapeLike(q)}%`
    const words = namePrefixQuery(q)
    const db = this.Model
    const search = db('users as u')
      .where('u.org_id', orgId)
      .where((match) => {
        match.whereRaw(`lower(u.username) like ? escape '\\'`, [prefix])
        if (words) match.orWhereRaw(`to_tsvector('simple', u.name) @@ to_tsquery('simple', ?)`, [words])
      })
    if (user.role !== 'ADMIN') search.where('u.status', 'active')
    return (
      search
        .leftJoin('friendships as f', function () {
          this.on(db.raw('least(f.requester_id, f.addressee_id) = least(u.id, ?::uuid)', [user.id])).andOn(
            db.raw('greatest(f.requester_id, f.addressee_id) = greatest(u.id, ?::uuid)', [user.id])
          )
        })
        .select(
          'u.id',
          'u.username',
          'u.name',
          'u.avatar_url',
          'u.status',
          'f.id as f_id',
          'f.status as f_status',
          'f.requester_id as f_requester_id'
        )
        // The exact username, then username prefixes, then names starting with it, then later name words.
        .orderByRaw(
          `case when lower(u.username) = ? then 0 when lower(u.username) like ? escape '\\' then 1
          when lower(u.name) like ? escape '\\' then 2 else 3 end, lower(u.username)`,
          [q, prefix, prefix]
        )
    )
  }

  // Not the adapter's find overloads: the answer is always a UserSearchPage.
  override async find(params: UserSearchParams = {}): Promise<any> {
    const query = params.query ?? ({} as UserSearchQuery)
    const q = String(query.q ?? '')
      .trim()
      .replace(/^@+/, '')
      .toLowerCase()
    if (!q) throw new BadRequest('Give at least one character to search for', { code: 'validation_error' })
    const limit = query.$limit ?? SEARCH_DEFAULT_LIMIT
    const rows = (await this._find({
      ...params,
      query: { ...query, $limit: limit + 1 },
      paginate: false,
      knex: this.search(params, q)
    })) as UserHit[]
    const page: UserSearchPage = { limit, has_more: rows.length > limit, data: rows.slice(0, limit) }
    return page
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: { default: SEARCH_DEFAULT_LIMIT, max: SEARCH_MAX_LIMIT },
  Model: app.get('postgresqlClient'),
  name: 'users'
})
