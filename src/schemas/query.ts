// Query syntax shared by the services: Feathers' querySyntax with bounded $limit/$skip and strict date-times.
import { Type, querySyntax } from '@feathersjs/typebox'
import type { TObject } from '@feathersjs/typebox'

// paginate.max in config/default.json: a larger $limit is refused with a 400 instead of silently clamped.
export const QUERY_MAX_LIMIT = 100

// $limit=0 stays valid: it asks for the total only.
export const queryLimit = (maximum = QUERY_MAX_LIMIT) => Type.Integer({ minimum: 0, maximum })
// Past 2^53 an offset is no longer an exact integer, and no table here is that long.
export const querySkip = () => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

// Query-side date filters are ISO 8601 date-times: PostgreSQL would happily read "yesterday" or "epoch".
export const QueryDateTime = Type.String({ format: 'date-time' })
export const NullableQueryDateTime = Type.Union([QueryDateTime, Type.Null()])

/**
 * `querySyntax(properties)` with `$limit` an integer in [0, maxLimit] and `$skip` a bounded integer.
 * Intersecting does not work: TypeBox 0.25's Intersect unions duplicate keys, so querySyntax's own
 * unbounded `$limit` would still admit 1e20. The static type is unchanged (both are numbers).
 */
export const strictQuerySyntax = <T extends TObject>(properties: T, maxLimit = QUERY_MAX_LIMIT) => {
  const syntax = querySyntax(properties)
  return {
    ...syntax,
    properties: {
      ...syntax.properties,
      $limit: Type.Optional(queryLimit(maxLimit)),
      $skip: Type.Optional(querySkip())
    }
  } as typeof syntax
}
