// Notification preferences: each user manages only their own defaults and per-room overrides. Setting (create)
// is an upsert: the same call replaces an earlier setting, announced as `patched` when the row existed.
import { BadRequest, MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId, Paginated, PaginationOptions, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import { requireMembership } from '../members/membership'
import { PREFERENCE_DEFAULTS } from '../../notifications/levels'
import type {
  NotificationPreference,
  NotificationPreferenceData,
  NotificationPreferencePage,
  NotificationPreferencePatch,
  NotificationPreferenceQuery
} from './notification-preferences.schema'

export type {
  NotificationPreference,
  NotificationPreferenceData,
  NotificationPreferencePage,
  NotificationPreferencePatch,
  NotificationPreferenceQuery
}
export interface NotificationPreferenceParams extends KnexAdapterParams<NotificationPreferenceQuery> {}

// Marks a create that replaced an existing setting: the event is `patched`, not `created`.
export const REPLACED = Symbol('preference-replaced')

const preferenceNotFound = () => notFound('Preference not found')
const roomChannels = () =>
  new BadRequest('Email and push are set for all rooms at once, not per room', { code: 'room_channels' })

// The upserts return `inserted` (false: an earlier setting was replaced); notificationPreferenceResolver
// drops the column.
const marked = (row: any): NotificationPreference => {
  if (row.inserted === false) Object.defineProperty(row, REPLACED, { value: true })
  return row
}

type Preference = NotificationPreference
type Params = NotificationPreferenceParams

export class NotificationPreferenceService
  extends KnexService<Preference, NotificationPreferenceData, Params, NotificationPreferencePatch>
  implements ServiceInterface<Preference, NotificationPreferenceData, Params, NotificationPreferencePatch>
{
  // The defaults row exists from the first time anyone looks: every user has one, with an id.
  private async ensureDefaults(userId: string) {
    await this.Model.raw(
      `insert into notification_preferences (user_id, level, email, push) values (?, ?, ?, ?)
       on conflict (user_id) where room_id is null do nothing`,
      [userId, PREFERENCE_DEFAULTS.level, PREFERENCE_DEFAULTS.email, PREFERENCE_DEFAULTS.push]
    )
  }

  // My preferences: the defaults first, then room overrides in the order they were made.
  private mine(params: Params) {
    const user = requireUser(params)
    return this.createQuery(params)
      .where('notification_preferences.user_id', user.id)
      .orderByRaw('room_id is not null, created_at, id')
  }

  override async find(params?: Params & { paginate?: PaginationOptions }): Promise<Paginated<Preference>>
  override async find(params?: Params & { paginate: false }): Promise<Preference[]>
  override async find(params?: Params): Promise<Paginated<Preference> | Preference[]>
  override async find(params: Params = {}): Promise<Paginated<Preference> | Preference[]> {
    await this.ensureDefaults(requireUser(params).id)
    return this._find({ ...params, knex: this.mine(params) })
  }

  override async get(id: Id, params: Params = {}): Promise<Preference> {
    const [row] = await this.mine({ ...params, query: {} }).where('notification_preferences.id', id)
    if (!row) throw preferenceNotFound()
    return row
  }

  override async create(data: NotificationPreferenceData, params?: Params): Promise<Preference>
  override async create(data: NotificationPreferenceData[], params?: Params): Promise<Preference[]>
  override async create(data: any, params: Params = {}): Promise<any> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Set one preference at a time')
    const user = requireUser(params)
    if (data.room_id) {
      if (data.email !== undefined || data.push !== undefined) throw roomChannels()
      if (!data.level) throw new BadRequest('A room override needs a level', { code: 'level_required' })
      // Only rooms I am in (404 otherwise, exactly like a room that does not exist).
      await requireMembership(this.Model, params, data.room_id)
      const result = await this.Model.raw(
        `insert into notification_preferences (user_id, room_id, level) values (?, ?, ?)
         on conflict (user_id, room_id) where room_id is not null
         do update set level = excluded.level, updated_at = now()
         returning *, (xmax = 0) as inserted`,
        [user.id, data.room_id, data.level]
      )
      return marked(result.rows[0])
    }
    const result = await this.Model.raw(
      `insert into notification_preferences as np (user_id, level, email, push)
       values (:user, coalesce(cast(:level as text), :dlevel), coalesce(cast(:email as boolean), :demail),
         coalesce(cast(:push as boolean), :dpush))
       on conflict (user_id) where room_id is null do update set
         level = coalesce(cast(:level as text), np.level), email = coalesce(cast(:email as boolean), np.email),
         push = coalesce(cast(:push as boolean), np.push),
         updated_at = now()
       returning *, (xmax = 0) as inserted`,
      {
        user: user.id,
        level: data.level ?? null,
        email: data.email ?? null,
        push: data.push ?? null,
        dlevel: PREFERENCE_DEFAULTS.level,
        demail: PREFERENCE_DEFAULTS.email,
        dpush: PREFERENCE_DEFAULTS.push
      }
    )
    return marked(result.rows[0])
  }

  override async patch(id: Id, data: NotificationPreferencePatch, params?: Params): Promise<Preference>
  override async patch(id: null, data: NotificationPreferencePatch, params?: Params): Promise<Preference[]>
  override async patch(id: NullableId, data: NotificationPreferencePatch, params: Params = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Patch one preference at a time')
    const user = requireUser(params)
    const row = await this.get(id, params)
    if (row.room_id && (data.email !== undefined || data.push !== undefined)) throw roomChannels()
    const [updated] = await this.Model('notification_preferences')
      .where({ id, user_id: user.id })
      .update({ ...data, updated_at: this.Model.fn.now() })
      .returning('*')
    if (!updated) throw preferenceNotFound()
    return updated
  }

  // Removing a room override falls back to my defaults there; removing my defaults resets them.
  override async remove(id: Id, params?: Params): Promise<Preference>
  override async remove(id: null, params?: Params): Promise<Preference[]>
  override async remove(id: NullableId, params: Params = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Remove one preference at a time')
    const user = requireUser(params)
    const [row] = await this.Model('notification_preferences')
      .where({ id, user_id: user.id })
      .del()
      .returning('*')
    if (!row) throw preferenceNotFound()
    return row
  }
}

// A user has a handful of rows (defaults and room overrides): one page holds them all.
export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: { default: 100, max: 1000 },
  Model: app.get('postgresqlClient'),
  name: 'notification_preferences'
})
