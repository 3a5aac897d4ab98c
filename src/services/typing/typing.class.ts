// Typing indicators: a room member says "typing" (or "stopped"); nothing is stored, the event carries its own
// expiry. At most one broadcast per user, room and kind per minIntervalMs, so a chatty client cannot flood a
// room: extra calls are dropped silently (still a 201). The throttle is checked in memory first (free), then in
// Redis when configured so a client spread over several processes is held to the same rate.
import { Forbidden } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { requireMembership } from '../members/membership'
import type { Typing, TypingData } from './typing.schema'

export type { Typing, TypingData }

// Marks an answer whose broadcast was dropped by the throttle; the service's after hook skips the event.
export const THROTTLED = Symbol('typing-throttled')

const PRUNE_ABOVE = 10000

export class TypingService {
  // "<room>:<user>:<kind>" -> until when this process will not broadcast it again.
  private recent = new Map<string, number>()

  constructor(public app: Application) {}

  get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  get settings() {
    return { ttlMs: 5000, minIntervalMs: 1000, ...(this.app.get('typing') ?? {}) }
  }

  async create(data: TypingData, params: Params): Promise<Typing> {
    const user = requireUser(params)
    const { ttlMs, minIntervalMs } = this.settings
    const now = Date.now()
    const stopped = data.stopped === true
    const result: Typing = {
      room_id: data.room_id,
      user_id: user.id,
      expires_at: new Date(stopped ? now : now + ttlMs).toISOString(),
      ...(stopped ? { stopped: true as const } : {})
    }
    const key = `${data.room_id}:${user.id}:${stopped ? 'stop' : 'start'}`
    // This process broadcast the same indicator moments ago, after checking membership: answer without a query.
    if ((this.recent.get(key) ?? 0) > now) return throttled(result)
    // Not a member (or another org's room): 404, the same as a room that does not exist.
    const membership = await requireMembership(this.db, params, data.room_id)
    if (membership.room_archived_at) throw new Forbidden('This room is archived', { code: 'room_archived' })
    if (!(await this.claim(key, now, minIntervalMs))) return throttled(result)
    // After "stopped", the next keystroke must show up at once rather than wait out the start throttle.
    if (stopped) await this.release(`${data.room_id}:${user.id}:start`)
    return result
  }

  private async claim(key: string, now: number, intervalMs: number) {
    if (intervalMs <= 0) return true
    const redis = this.app.get('redis')
    if (redis && (await redis.set(`typing:${key}`, '1', 'PX', Math.ceil(intervalMs), 'NX')) !== 'OK')
      return false
    if (this.recent.size > PRUNE_ABOVE)
      for (const [k, until] of this.recent) if (until <= now) this.recent.delete(k)
    this.recent.set(key, now + intervalMs)
    return true
  }

  private async release(key: string) {
    this.recent.delete(key)
    await this.app.get('redis')?.del(`typing:${key}`)
  }
}

const throttled = (result: Typing) => {
  Object.defineProperty(result, THROTTLED, { value: true })
  return result
}
