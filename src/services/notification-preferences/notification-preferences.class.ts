// Notification preferences: each user manages only their own defaults and per-room overrides. Setting (create)
// is an upsert: the same call replaces an earlier setting, announced as `patched` when the row existed.
import { BadRequest, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
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
export interface NotificationPreferenceParams extends Params<NotificationPreferenceQuery> {}

// Marks a create that replaced an existing setting: the event is `patched`, not `created`.
export const REPLACED = Symbol('preference-replaced')

const notFound = () => new NotFound('Preference not found', { code: 'not_found' })
const roomChannels = () =>
  new BadRequest('Email and push are set for all rooms at once, not per room', { code: 'room_channels' })

const toPreference = (row: any): NotificationPreference => ({
  id: row.id,
  user_id: row.user_id,
  room_id: row.room_id ?? null,
  level: row.level,
  email: row.email ?? null,
  push: row.push ?? null,
  created_at: row.created_at,
  updated_at: row.updated_at
})

const marked = (row: any) => {
  const preference = toPreference(row)
  if (row.inserted === false) Object.defineProperty(preference, REPLACED, { value: true })
  return preference
}

export class NotificationPreferenceService {
  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  // The defaults row exists from the first time anyone looks: every user has one, with an id.
  private async ensureDefaults(userId: string) {
    await this.db.raw(
      `insert into notification_preferences (user_id, level, email, push) values (?, ?, ?, ?)
       on conflict (user_id) where room_id is null do nothing`,
      [userId, PREFERENCE_DEFAULTS.level, PREFERENCE_DEFAULTS.email, PREFERENCE_DEFAULTS.push]
    )
  }

  async find(params: NotificationPreferenceParams): Promise<NotificationPreferencePage> {
    const user = requireUser(params)
    const { room_id: roomId, $limit, $skip = 0 } = params.query ?? {}
    await this.ensureDefaults(user.id)
    const base = this.db('notification_preferences').where({ user_id: user.id })
    if (roomId) base.where({ room_id: roomId })
    const [{ count }] = await base.clone().count({ count: '*' })
    const limit = Math.min($limit ?? 100, 1000)
    const rows =
      limit === 0
        ? []
        : await base.orderByRaw('room_id is not null, created_at, id').limit(limit).offset($skip)
    return { total: Number(count), limit, skip: $skip, data: rows.map(toPreference) }
  }

  private async mine(id: Id, userId: string) {
    const row = await this.db('notification_preferences').where({ id, user_id: userId }).first()
    if (!row) throw notFound()
    return row
  }

  async get(id: Id, params: NotificationPreferenceParams): Promise<NotificationPreference> {
    return toPreference(await this.mine(id, requireUser(params).id))
  }

  async create(data: NotificationPreferenceData, params: NotificationPreferenceParams) {
    if (Array.isArray(data)) throw new MethodNotAllowed('Set one preference at a time')
    const user = requireUser(params)
    if (data.room_id) {
      if (data.email !== undefined || data.push !== undefined) throw roomChannels()
      if (!data.level) throw new BadRequest('A room override needs a level', { code: 'level_required' })
      // Only rooms I am in (404 otherwise, exactly like a room that does not exist).
      await requireMembership(this.db, params, data.room_id)
      const result = await this.db.raw(
        `insert into notification_preferences (user_id, room_id, level) values (?, ?, ?)
         on conflict (user_id, room_id) where room_id is not null
         do update set level = excluded.level, updated_at = now()
         returning *, (xmax = 0) as inserted`,
        [user.id, data.room_id, data.level]
      )
      return marked(result.rows[0])
    }
    const result = await this.db.raw(
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

  async patch(id: NullableId, data: NotificationPreferencePatch, params: NotificationPreferenceParams) {
    if (id === null) throw new MethodNotAllowed('Patch one preference at a time')
    const user = requireUser(params)
    const row = await this.mine(id, user.id)
    if (row.room_id && (data.email !== undefined || data.push !== undefined)) throw roomChannels()
    const [updated] = await this.db('notification_preferences')
      .where({ id, user_id: user.id })
      .update({ ...data, updated_at: this.db.fn.now() })
      .returning('*')
    if (!updated) throw notFound()
    return toPreference(updated)
  }

  // Removing a room override falls back to my defaults there; removing my defaults resets them.
  async remove(id: NullableId, params: NotificationPreferenceParams): Promise<NotificationPreference> {
    if (id === null) throw new MethodNotAllowed('Remove one preference at a time')
    const user = requireUser(params)
    const [row] = await this.db('notification_preferences')
      .where({ id, user_id: user.id })
      .del()
      .returning('*')
    if (!row) throw notFound()
    return toPreference(row)
  }
}
