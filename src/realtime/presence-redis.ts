// Presence in Redis, shared by every server process: `<prefix>c:<user>` is a sorted set of the user's connections
// (score = expiry, ms), `<prefix>users` a sorted set of the users announced online (score = their earliest
// expiry, so a sweep finds due users without scanning everyone) and `<prefix>seen` their last heartbeat.
// Each change is one Lua script, atomic in Redis, so when two processes race (a sweep and a reconnect, or two
// sweepers) exactly one sees each transition.
// The sweep script builds per-user key names itself, so this needs a single Redis (or a cluster hash tag).
import type Redis from 'ioredis'
import type { Expired, PresenceStore } from './presence-store'

// KEYS: users, conns, seen. ARGV: userId, now, expiresAt, connIds... Returns 1 when the user came online.
const TOUCH = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
for i = 4, #ARGV do redis.call('ZADD', KEYS[2], ARGV[3], ARGV[i]) end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
local was = redis.call('ZSCORE', KEYS[1], ARGV[1])
if first[2] == nil then return 0 end
redis.call('ZADD', KEYS[1], first[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], math.floor(tonumber(last[2])) + 3600000)
if was then return 0 end
return 1
`

// KEYS: users, conns, seen. ARGV: userId, now, connIds... Returns 1 when that was the user's last live connection.
const REMOVE = `
for i = 3, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if first[2] then
  redis.call('ZADD', KEYS[1], first[2], ARGV[1])
  return 0
end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
`

// KEYS: users, seen. ARGV: now, limit, prefix. Returns a flat list: userId, lastSeen, userId, lastSeen, ...
const SWEEP = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local gone = {}
for _, uid in ipairs(due) do
  local ck = ARGV[3] .. 'c:' .. uid
  redis.call('ZREMRANGEBYSCORE', ck, '-inf', '(' .. ARGV[1])
  local first = redis.call('ZRANGE', ck, 0, 0, 'WITHSCORES')
  if first[2] then
    redis.call('ZADD', KEYS[1], first[2], uid)
  else
    local seen = redis.call('HGET', KEYS[2], uid)
    redis.call('DEL', ck)
    redis.call('ZREM', KEYS[1], uid)
    redis.call('HDEL', KEYS[2], uid)
    table.insert(gone, uid)
    table.insert(gone, seen or ARGV[1])
  end
end
return gone
`

type Scripted = Redis & {
  presenceTouch(users: string, conns: string, seen: string, ...args: Array<string | number>): Promise<number>
  presenceRemove(users: string, conns: string, seen: string, ...args: Array<string | number>): Promise<number>
  presenceSweep(users: string, seen: string, ...args: Array<string | number>): Promise<string[]>
}

export class RedisPresenceStore implements PresenceStore {
  private redis: Scripted

  constructor(
    redis: Redis,
    private prefix: string
  ) {
    // defineCommand is idempotent per name, and EVALSHA falls back to EVAL after a Redis restart.
    redis.defineCommand('presenceTouch', { numberOfKeys: 3, lua: TOUCH })
    redis.defineCommand('presenceRemove', { numberOfKeys: 3, lua: REMOVE })
    redis.defineCommand('presenceSweep', { numberOfKeys: 2, lua: SWEEP })
    this.redis = redis as Scripted
  }

  private get usersKey() {
    return `${this.prefix}users`
  }

  private get seenKey() {
    return `${this.prefix}seen`
  }

  private connsKey(userId: string) {
    return `${this.prefix}c:${userId}`
  }

  async touch(userId: string, connIds: string[], expiresAt: number, now: number) {
    if (connIds.length === 0) return false
    const result = await this.redis.presenceTouch(
      this.usersKey,
      this.connsKey(userId),
      this.seenKey,
      userId,
      now,
      expiresAt,
      ...connIds
    )
    return result === 1
  }

  // One round trip for a whole process's connections.
  async touchMany(entries: Array<{ userId: string; connIds: string[] }>, expiresAt: number, now: number) {
    if (entries.length === 0) return []
    const pipeline = this.redis.pipeline() as any
    for (const e of entries)
      pipeline.presenceTouch(
        this.usersKey,
        this.connsKey(e.userId),
        this.seenKey,
        e.userId,
        now,
        expiresAt,
        ...e.connIds
      )
    const results: Array<[Error | null, number]> = await pipeline.exec()
    const failed = results.find(([error]) => error)
    if (failed) throw failed[0]
    return entries.filter((_, i) => results[i][1] === 1).map((e) => e.userId)
  }

  async remove(userId: string, connIds: string[], now: number) {
    return (
      (await this.redis.presenceRemove(
        this.usersKey,
        this.connsKey(userId),
        this.seenKey,
        userId,
        now,
        ...connIds
      )) === 1
    )
  }

  async sweep(now: number, limit: number) {
    const flat = await this.redis.presenceSweep(this.usersKey, this.seenKey, now, limit, this.prefix)
    const gone: Expired[] = []
    for (let i = 0; i < flat.length; i += 2) gone.push({ userId: flat[i], lastSeen: Number(flat[i + 1]) })
    return gone
  }

  async online(userIds: string[]) {
    if (userIds.length === 0) return new Set<string>()
    const scores = await this.redis.zmscore(this.usersKey, ...userIds)
    return new Set(userIds.filter((_, i) => scores[i] !== null))
  }

  // Each user's latest expiry, in one round trip.
  async lastingBeyond(userIds: string[], after: number) {
    if (userIds.length === 0) return new Set<string>()
    const pipeline = this.redis.pipeline()
    for (const id of userIds) pipeline.zrange(this.connsKey(id), -1, -1, 'WITHSCORES')
    const results = (await pipeline.exec()) ?? []
    const failed = results.find(([error]) => error)
    if (failed) throw failed[0]
    return new Set(userIds.filter((_, i) => Number((results[i][1] as string[])[1] ?? 0) > after))
  }
}
