// Presence: heartbeats keep the caller's connection online; find lists who of my org is online and when the
// others were last seen. The live state is in the presence store (Redis or memory), last_seen_at in users.
import type { Paginated, PaginationOptions, Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { presenceOf, restConnection } from '../../realtime/presence'
import { socketOf } from '../../realtime/sockets'
import type { Heartbeat, Presence, PresenceData, PresencePage, PresenceQuery } from './presence.schema'

export type { Heartbeat, Presence, PresenceData, PresencePage, PresenceQuery }
export interface PresenceParams extends KnexAdapterParams<PresenceQuery> {}

// Statuses are read from users rows (presenceResolver adds the live state); a heartbeat answers differently.
type PresenceResult = Presence | Heartbeat

export class PresenceService
  extends KnexService<PresenceResult, PresenceData, PresenceParams>
  implements ServiceInterface<PresenceResult, PresenceData, PresenceParams>
{
  app!: Application

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

  // Only users of the caller's org, by username: ids of other orgs are left out, never confirmed to exist.
  private inMyOrg(params: PresenceParams) {
    const orgId = requireOrgId(params)
    const { user_ids: userIds, ...query } = params.query ?? {}
    return this.createQuery({
      ...params,
      query: {
        ...query,
        ...(userIds ? { id: { $in: userIds } } : {}),
        $select: ['id', 'last_seen_at'],
        $sort: { username: 1 }
      }
    } as PresenceParams).where('users.org_id', orgId)
  }

  override async find(
    params?: PresenceParams & { paginate?: PaginationOptions }
  ): Promise<Paginated<Presence>>
  override async find(params?: PresenceParams & { paginate: false }): Promise<Presence[]>
  override async find(params?: PresenceParams): Promise<Paginated<Presence> | Presence[]>
  override async find(params: PresenceParams = {}): Promise<Paginated<Presence> | Presence[]> {
    return this._find({ ...params, knex: this.inMyOrg(params) }) as Promise<Paginated<Presence>>
  }

  // Heartbeat of this socket, or over REST of this login session (so logout can end it).
  override async create(_data: PresenceData, params?: Params): Promise<Heartbeat>
  override async create(_data: PresenceData[], params?: Params): Promise<Heartbeat[]>
  override async create(_data: any, params: Params = {}): Promise<any> {
    const user = requireUser(params)
    const socket = socketOf(params.connection)
    const sid = (params.authentication as any)?.payload?.sid
    const expiresAt = socket
      ? await this.tracker.connect(socket.id, user.id, user.org_id ?? null)
      : await this.tracker.heartbeat(user.id, restConnection(sid ?? user.id), user.org_id ?? null)
    return { user_id: user.id, status: 'online', expires_at: new Date(expiresAt).toISOString() }
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'users'
})
