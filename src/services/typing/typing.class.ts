// Typing indicators: a room member says "typing" (or "stopped"); nothing is stored, the event carries its own
// expiry. At most one broadcast per user, room and kind per minIntervalMs, so a chatty client cannot flood a
// room: extra calls are dropped silently (still a 201). The throttle is checked in memory first (free), then in
// Redis when configured so a client spread over several processes is held to the same rate.
// Who may type where is the room policy's (authorizeRoom('typing') in typing.ts).
import type { Params, ServiceInterface } from '@feathersjs/feathers'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import type { Typing, TypingData } from './typing.schema'

export type { Typing, TypingData }

// Marks an answer whose broadcast was dropped by the throttle; the service's after hook skips the event.
export const THROTTLED = Symbol('typing-throttled')

const PRUNE_ABOVE = 10000

export class TypingService implements ServiceInterface<Typing, TypingData> {
  // "<room>:<user>:<kind>" -> until when this process will not broadcast it again.
  private recent = new Map<string, number>()

  constructor(public app: Application) {}

  get settings() {
    return { ttlMs: 5000, minIntervalMs: 1000, ...(this.app.get('typing') ?? {}) }
  }

  private answer(data: TypingData, userId: string, now: number) {
    const stopped = data.stopped === true
    const result: Typing = {
      room_id: data.room_id,
      user_id: userId,
      expires_at: new Date(stopped ? now : now + this.settings.ttlMs).toISOString(),
      ...(stopped ? { stopped: true as const } : {})
    }
    return { result, key: `${data.room_id}:${userId}:${stopped ? 'stop' : 'start'}`, stopped }
  }

  // This process broadcast the same indicator moments ago, after authorizing it: the answer without a query
  // (the service's hooks use it before authorizeRoom). Null when it has to go the whole way.
  recentAnswer(data: TypingData, params: Params): Typing | null {
    const now = Date.now()
    const { result, key } = this.answer(data, requireUser(params).id, now)
    return (this.recent.get(key) ?? 0) > now ? throttled(result) : null
  }

  async create(data: TypingData, params: Params): Promise<Typing> {
    const user = requireUser(params)
    const now = Date.now()
    const { result, key, stopped } = this.answer(data, user.id, now)
    if (!(await this.claim(key, now, this.settings.minIntervalMs))) return throttled(result)
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
