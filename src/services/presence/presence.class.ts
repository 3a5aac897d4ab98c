// Presence: heartbeats keep the caller's connection online; find lists who of my org is online and when the
// others were last seen. The live state is in the presence store (Redis or memory), last_seen_at in users.
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { presenceOf, restConnection } from '../../realtime/presence'
import { socketOf } from '../../realtime/sockets'
import type { Heartbeat, Presence, PresenceData, PresencePage, PresenceQuery } from './presence.schema'

export type { Heartbeat, Presence, PresenceData, PresencePage, PresenceQuery }

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null)

export class PresenceService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  get tracker() {
    return presenceOf(this.app)
  }

  // The sweep and refresh timers run while the app is set up (listening) and stop at teardown.
  async setup() {
    this.tracker.start()
  }

  async teardown() {
    await this.tracker.stop()
  }

  // Only users of the caller's org: ids of other orgs are left out, never confirmed to exist.
  async find(params: Params<PresenceQuery>): Promise<PresencePage> {
    const orgId = requireOrgId(params)
    const query = params.query ?? {}
    const paginate = this.app.get('paginate') as { default: number; max: number }
    const limit = Math.min(query.$limit ?? paginate.default, paginate.max)
    const skip = query.$skip ?? 0
    const users = this.db('users').where({ org_id: orgId })
    if (query.user_ids) users.whereIn('id', query.user_ids)
    const [{ count }] = await users.clone().count({ count: '*' })
    const rows =
      limit === 0
        ? []
        : await users.clone().select('id', 'last_seen_at').orderBy('username').limit(limit).offset(skip)
    const online = await this.tracker.statuses(rows.map((row) => row.id))
    const now = new Date().toISOString()
    const data: Presence[] = rows.map((row) =>
      online.has(row.id)
        ? { user_id: row.id, status: 'online', last_seen_at: now }
        : { user_id: row.id, status: 'offline', last_seen_at: iso(row.last_seen_at) }
    )
    return { total: Number(count), limit, skip, data }
  }

  // Heartbeat of this socket, or over REST of this login session (so logout can end it).
  async create(_data: PresenceData, params: Params): Promise<Heartbeat> {
    const user = requireUser(params)
    const socket = socketOf(params.connection)
    const sid = (params.authentication as any)?.payload?.sid
    const expiresAt = socket
      ? await this.tracker.connect(socket.id, user.id)
      : await this.tracker.heartbeat(user.id, restConnection(sid ?? user.id))
    return { user_id: user.id, status: 'online', expires_at: new Date(expiresAt).toISOString() }
  }
}
