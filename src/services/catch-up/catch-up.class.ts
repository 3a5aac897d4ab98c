// Bulk catch-up: everything after my positions in all the rooms I am a member of now, in (room_id, seq) order,
// paged across rooms. One statement (shared with the turn's other catch-ups, page-loader.ts): the page (an index
// walk per room from its position, merged in order) and the rooms new to me or gone. Rooms of other orgs, and
// rooms I left or was kicked from, never appear.
import { BadRequest } from '@feathersjs/errors'
import type { ServiceInterface } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import type { Message } from '../messages/messages.schema'
import type { CatchUpPage, CatchUpQuery } from './catch-up.schema'
import { pageLoader } from './page-loader'

export type { CatchUpPage, CatchUpQuery }
export interface CatchUpParams {
  query?: CatchUpQuery
  [key: string]: any
}

const DEFAULT_LIMIT = 200
const FIRST_ROOM = '00000000-0000-0000-0000-000000000000'
const CURSOR = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9]{1,15})$/

// The cursor is the (room_id, seq) of the last message of a page: the next page starts strictly after it.
// Opaque to clients (base64url) so its form can change.
export const encodeCursor = (message: Pick<Message, 'room_id' | 'seq'>) =>
  Buffer.from(`${message.room_id}.${message.seq}`).toString('base64url')

export const decodeCursor = (cursor: string) => {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!match) throw new BadRequest('That cursor is not one this service gave', { code: 'invalid_cursor' })
  return { roomId: match[1], seq: Number(match[2]) }
}

export class CatchUpService implements ServiceInterface<CatchUpPage, never, CatchUpParams> {
  private pages?: ReturnType<typeof pageLoader>

  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: CatchUpParams = {}): Promise<CatchUpPage> {
    const user = requireUser(params)
    const query = params.query ?? {}
    const limit = query.limit ?? DEFAULT_LIMIT
    const from = query.cursor ? decodeCursor(query.cursor) : { roomId: FIRST_ROOM, seq: 0 }
    // One statement with the other catch-up calls of this turn (page-loader.ts).
    this.pages ??= pageLoader(() => this.db)
    const page = await this.pages.load({
      since: query.since ?? {},
      fromRoom: from.roomId,
      fromSeq: from.seq,
      userId: user.id,
      orgId: user.org_id as string,
      onlySince: query.only_since === true,
      changedSince: query.updated_after ?? null,
      limit
    })
    // The resolvers keep only the message schema's columns, so the loader's (_idx, _first, _new_rooms,
    // _gone_rooms) never leave.
    const messages = page.messages as Message[]
    const data = messages.slice(0, limit)
    const hasMore = messages.length > limit
    return {
      data,
      limit,
      has_more: hasMore,
      next_cursor: hasMore
        ? encodeCursor({ room_id: data[data.length - 1].room_id, seq: Number(data[data.length - 1].seq) })
        : null,
      new_rooms: page.newRooms,
      gone_rooms: page.goneRooms
    }
  }
}
