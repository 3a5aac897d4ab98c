// Message search schemas: the query (text, optional room, page size, cursor) and ranked hits with snippets.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../validators'

const Uuid = Type.String({ format: 'uuid' })

// Lengths are checked again after normalization by the service (search.maxQueryLength, 400 query_too_long);
// this bound only keeps absurd input away from the normalizer.
export const searchQuerySchema = Type.Object(
  {
    q: Type.String({ maxLength: 4000 }),
    room_id: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    // Opaque: the next_cursor of the previous page.
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))
  },
  { $id: 'SearchQuery', additionalProperties: false }
)
export type SearchQuery = Static<typeof searchQuerySchema>
export const searchQueryValidator = getValidator(searchQuerySchema, queryValidator)

// Where the query matched, as [start, end) offsets into `snippet` in UTF-16 code units (JavaScript string
// indices): clients render the text and mark these ranges themselves; no markup is ever returned.
export const highlightSchema = Type.Object(
  { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false }
)

export const searchHitSchema = Type.Object(
  {
    id: Uuid,
    room_id: Uuid,
    seq: Type.Number(),
    sender_id: Type.Union([Uuid, Type.Null()]),
    sender_kind: Type.Union([Type.Literal('person'), Type.Literal('bot'), Type.Null()]),
    body: Type.String(),
    created_at: Type.Any(),
    edited_at: Type.Any(),
    // ts_rank of the message for the query: higher is better; hits come best first.
    rank: Type.Number(),
    // Plain text: the best fragments of the body (ts_headline), joined by " … ".
    snippet: Type.String(),
    highlights: Type.Array(highlightSchema)
  },
  { $id: 'SearchHit', additionalProperties: false }
)
export type SearchHit = Static<typeof searchHitSchema>

export const searchPageSchema = Type.Object(
  {
    data: Type.Array(searchHitSchema),
    limit: Type.Integer(),
    has_more: Type.Boolean(),
    // Pass as `cursor` for the next page; null on the last one.
    next_cursor: Type.Union([Type.String(), Type.Null()])
  },
  { $id: 'SearchPage', additionalProperties: false }
)
export type SearchPage = Static<typeof searchPageSchema>
