// Message search: PostgreSQL full-text search (messages.search_vector, GIN index) over the rooms I am in, best
// first (ts_rank), with plain-text snippets and highlight ranges, paged by a cursor over (rank, time, id).
import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { refusal } from '../../auth/room-policy'
import { cleanText } from '../../hooks/normalize-text'
import { isUuid } from '../../hooks/validate-id'
import { loadRoomAccess, roomNotFound } from '../members/membership'
import type { SearchHit, SearchPage, SearchQuery } from './search.schema'

export interface SearchParams extends Params<SearchQuery> {}

// ts_headline marks matches with these private-use characters; they are stripped from the body first, so the
// only ones in its answer are its own, and parseHeadline turns them into ranges (no markup reaches a client).
const MARK_START = '\uE000'
const MARK_END = '\uE001'
const HEADLINE_OPTIONS =
  `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ` +
  'MaxFragments=2, FragmentDelimiter=" … "'

const DEFAULTS = { maxQueryLength: 200, defaultLimit: 25, maxLimit: 50, manyRooms: 200 }

export const parseHeadline = (headline: string) => {
  let snippet = ''
  let start = -1
  const highlights: Array<{ start: number; end: number }> = []
  for (const ch of headline) {
    if (ch === MARK_START) start = snippet.length
    else if (ch === MARK_END) {
      if (start >= 0 && snippet.length > start) highlights.push({ start, end: snippet.length })
      start = -1
    } else snippet += ch
  }
  return { snippet, highlights }
}

interface Cursor {
  rank: number
  at: string
  id: string
}

const invalidCursor = () => new BadRequest('This cursor is not valid', { code: 'invalid_cursor' })

// Opaque to clients: the last hit's rank (a float4, exact in its shortest decimal form), time (µs) and id.
export const encodeCursor = (c: Cursor) => Buffer.from(`${c.rank}|${c.at}|${c.id}`).toString('base64url')

export const decodeCursor = (value: string): Cursor => {
  const [rank, at, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|')
  if (
    rest.length ||
    !/^-?\d+(\.\d+)?(e-?\d+)?$/.test(rank ?? '') ||
    !/^\d{1,17}$/.test(at ?? '') ||
    !isUuid(id)
  )
    throw invalidCursor()
  return { rank: Number(rank), at, id: id! }
}

export class SearchService {
  constructor(public app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private settings() {
    return { ...DEFAULTS, ...((this.app.get('search' as any) as Partial<typeof DEFAULTS>) ?? {}) }
  }

  async find(params: SearchParams = {}): Promise<SearchPage> {
    const user = requireUser(params)
    const orgId = user.org_id
    if (!orgId) throw roomNotFound()
    const settings = this.settings()
    const query = params.query ?? ({} as SearchQuery)
    const text = cleanText(String(query.q ?? ''), 'line')
    if (!text) throw new BadRequest('Search for some text', { code: 'query_empty' })
    if ([...text].length > settings.maxQueryLength) {
      throw new BadRequest(`A search has at most ${settings.maxQueryLength} characters`, {
        code: 'query_too_long',
        max: settings.maxQueryLength
      })
    }
    const limit = Math.min(query.limit ?? settings.defaultLimit, settings.maxLimit)
    const cursor = query.cursor ? decodeCursor(query.cursor) : null
    if (query.room_id !== undefined) {
      // A room I am not in (or of another org) is a 404, as everywhere: its existence is not confirmed.
      const access = await loadRoomAccess(this.db, user, { roomId: query.room_id })
      if (!access?.membership) throw roomNotFound()
      const denied = refusal('read', {
        role: access.membership.role,
        kind: access.room.kind,
        archived: !!access.room.archived_at,
        blocked: access.blocked
      })
      if (denied) throw denied
    }
    const settingsRow = await this.db('org_search_settings').where({ org_id: orgId }).first('language')
    const language: string = settingsRow?.language ?? 'simple'
    const rows = await this.search(language, text, orgId, user.id, query.room_id, cursor, limit + 1, settings)
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const hasMore = rows.length > limit
    return {
      data: page.map(({ headline, at_us: _at, ...hit }) => ({ ...hit, ...parseHeadline(headline) })),
      limit,
      has_more: hasMore,
      next_cursor:
        hasMore && last ? encodeCursor({ rank: last.rank, at: String(last.at_us), id: last.id }) : null
    }
  }

  // The ids of my rooms, or null when there are more than `many` (then a semi-join is cheaper).
  private async roomsOf(userId: string, orgId: string, many: number): Promise<string[] | null> {
    const rows = await this.db('room_members')
      .where({ user_id: userId, org_id: orgId })
      .limit(many + 1)
      .pluck('room_id')
    return rows.length > many ? null : rows
  }

  // The tsquery is written out where needed (not joined in) so the planner sees a constant and uses the GIN
  // index; ts_headline (the costly part) runs only for the page. websearch_to_tsquery accepts any input
  // (quotes, OR, -word) without syntax errors.
  private async search(
    language: string,
    text: string,
    orgId: string,
    userId: string,
    roomId: string | undefined,
    cursor: Cursor | null,
    take: number,
    settings: typeof DEFAULTS
  ) {
    const tsq = 'websearch_to_tsquery(?::regconfig, ?)'
    const rank = `ts_rank(m.search_vector, ${tsq})`
    const atUs = '(extract(epoch from m.created_at) * 1000000)::bigint'
    const bindings: Knex.RawBinding[] = [language, text, language, text, orgId]
    let sql = `
      select m.id, m.room_id, m.seq, m.sender_id, u.kind as sender_kind, m.body, m.created_at, m.edited_at,
             ${rank} as rank, ${atUs} as at_us
      from messages m
      left join users u on u.id = m.sender_id
      where m.search_vector @@ ${tsq}
        and m.org_id = ?`
    // Which rooms (bench/search.ts measured the three): one room by its id; a few rooms by their ids, so the
    // planner ANDs the GIN bitmap with the room index once (a join would rescan the GIN index per room);
    // many rooms by a hash semi-join after the GIN scan (their room index bitmap would cost more than it saves).
    const rooms = roomId !== undefined ? [roomId] : await this.roomsOf(userId, orgId, settings.manyRooms)
    if (rooms) {
      sql += ' and m.room_id = any(?::uuid[])'
      // An array literal: knex would spread a JS array into a list of parameters. Ids are uuids (checked).
      bindings.push(`{${rooms.join(',')}}`)
    } else {
      sql += ` and exists (select 1 from room_members rm
                            where rm.room_id = m.room_id and rm.user_id = ? and rm.org_id = ?)`
      bindings.push(userId, orgId)
    }
    if (cursor) {
      sql += ` and (${rank}, ${atUs}, m.id) < (?::real, ?::bigint, ?::uuid)`
      bindings.push(language, text, cursor.rank, cursor.at, cursor.id)
    }
    sql += ' order by rank desc, at_us desc, m.id desc limit ?'
    bindings.push(take)
    const outer = `
      select p.*, ts_headline(?::regconfig, translate(p.body, ?, ''), ${tsq}, ?) as headline
      from (${sql}) p
      order by p.rank desc, p.at_us desc, p.id desc`
    const result = await this.db.raw(outer, [
      language,
      MARK_START + MARK_END,
      language,
      text,
      HEADLINE_OPTIONS,
      ...bindings
    ])
    return result.rows.map((row: any) => ({
      ...row,
      seq: Number(row.seq),
      rank: Number(row.rank),
      sender_kind: row.sender_kind ?? null
    })) as Array<SearchHit & { headline: string; at_us: string | number }>
  }
}
