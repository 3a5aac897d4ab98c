// Where presence lives: each user's live connections with an expiry time, and which users are announced online.
// The in-memory store serves the embedded default (one process); presence-redis.ts shares it across processes.
// Every method reports transitions, and a transition is reported exactly once, so only one caller announces it.

export interface Expired {
  userId: string
  // The user's last heartbeat (ms): when the last of their connections was last refreshed.
  lastSeen: number
}

export interface PresenceStore {
  // Adds or refreshes connections of a user until `expiresAt`; true when the user went offline -> online.
  touch(userId: string, connIds: string[], expiresAt: number, now: number): Promise<boolean>
  // Refreshes many users' connections at once (a process vouching for its live sockets); the users who came online.
  touchMany(
    entries: Array<{ userId: string; connIds: string[] }>,
    expiresAt: number,
    now: number
  ): Promise<string[]>
  // Removes connections; true when that was the user's last live one (online -> offline).
  remove(userId: string, connIds: string[], now: number): Promise<boolean>
  // Users whose every connection expired before `now`, now marked offline (each reported by one sweeper only).
  sweep(now: number, limit: number): Promise<Expired[]>
  // Which of these users are announced online.
  online(userIds: string[]): Promise<Set<string>>
  // Which of these users have a connection that lasts beyond `after` (live ones, not closed sockets in grace).
  lastingBeyond(userIds: string[], after: number): Promise<Set<string>>
}

export class MemoryPresenceStore implements PresenceStore {
  // userId -> (connId -> expiry). A user is in this map exactly while announced online.
  private users = new Map<string, Map<string, number>>()
  private seen = new Map<string, number>()

  private touchOne(userId: string, connIds: string[], expiresAt: number, now: number) {
    let conns = this.users.get(userId)
    const cameOnline = !conns
    if (!conns) this.users.set(userId, (conns = new Map()))
    for (const [id, expiry] of conns) if (expiry < now) conns.delete(id)
    for (const id of connIds) conns.set(id, expiresAt)
    this.seen.set(userId, now)
    return cameOnline
  }

  async touch(userId: string, connIds: string[], expiresAt: number, now: number) {
    return this.touchOne(userId, connIds, expiresAt, now)
  }

  async touchMany(entries: Array<{ userId: string; connIds: string[] }>, expiresAt: number, now: number) {
    return entries.filter((e) => this.touchOne(e.userId, e.connIds, expiresAt, now)).map((e) => e.userId)
  }

  async remove(userId: string, connIds: string[], now: number) {
    const conns = this.users.get(userId)
    if (!conns) return false
    for (const id of connIds) conns.delete(id)
    for (const [id, expiry] of conns) if (expiry < now) conns.delete(id)
    if (conns.size > 0) return false
    this.users.delete(userId)
    this.seen.delete(userId)
    return true
  }

  async sweep(now: number, limit: number) {
    const gone: Expired[] = []
    for (const [userId, conns] of this.users) {
      if (gone.length >= limit) break
      for (const [id, expiry] of conns) if (expiry < now) conns.delete(id)
      if (conns.size === 0) {
        this.users.delete(userId)
        gone.push({ userId, lastSeen: this.seen.get(userId) ?? now })
        this.seen.delete(userId)
      }
    }
    return gone
  }

  async online(userIds: string[]) {
    return new Set(userIds.filter((id) => this.users.has(id)))
  }

  async lastingBeyond(userIds: string[], after: number) {
    return new Set(userIds.filter((id) => [...(this.users.get(id)?.values() ?? [])].some((e) => e > after)))
  }
}
