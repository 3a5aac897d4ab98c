// Presence for this process: registers its sockets' connections in the shared store, keeps them alive while
// they are connected, sweeps connections of crashed processes by TTL, and announces each online/offline
// transition once to the user's org (`presence patched`), persisting users.last_seen_at when they go offline.
import { deploymentKey } from './deployment-key'
import type { Application } from '../declarations'
import { logger } from '../logger'
import { publishEvent } from './service-events'
import { MemoryPresenceStore } from './presence-store'
import type { PresenceStore } from './presence-store'
import { RedisPresenceStore } from './presence-redis'

export type PresenceStatus = 'online' | 'offline'

export interface PresenceEvent {
  user_id: string
  status: PresenceStatus
  last_seen_at: string
}

const SWEEP_BATCH = 500

// A REST client's heartbeats keep its login session online (a socket is identified by its own id).
export const restConnection = (sessionId: string) => `rest:${sessionId}`

// Redis keys are scoped to the deployment (its database): deployments or parallel test runs that share a
// Redis but not a database must not sweep, announce or persist each other's users.
const keyPrefix = (app: Application) => `presence:${deploymentKey(app)}:`

export class PresenceTracker {
  readonly store: PresenceStore
  readonly ttlMs: number
  readonly sweepMs: number
  readonly batchMs: number
  // How long a closed socket still counts as a connection: a network blip or a reconnect storm (a server
  // restarted, a phone changing networks) is no offline/online flicker for everyone in the org. Without the
  // setting, offline at the moment the last socket closes.
  readonly offlineGraceMs: number
  // This process's authenticated sockets: connection id -> user. While a socket stays connected the process
  // vouches for it by refreshing it (no client heartbeat needed); a crashed process stops, and TTL ends them.
  private local = new Map<string, string>()
  // Announcements of one user run in order (a quick reconnect must not publish `online` before `offline`).
  private chains = new Map<string, Promise<void>>()
  private pending = new Set<Promise<unknown>>()
  private timers: NodeJS.Timeout[] = []
  private busy = { sweep: false, refresh: false }
  // Transitions waiting to go out, per org. A reconnect storm of N users would otherwise be N broadcasts to
  // the N members of the org (N² socket writes: 1,000 users, a million writes); batched per window it is
  // about one write per member per window.
  private outbox = new Map<string, PresenceEvent[]>()
  private flushTimer: NodeJS.Timeout | null = null

  constructor(private app: Application) {
    const settings = { ttlMs: 60000, sweepMs: 5000, batchMs: 250, ...(app.get('presence') ?? {}) }
    this.ttlMs = settings.ttlMs
    this.sweepMs = settings.sweepMs
    this.batchMs = settings.batchMs
    this.offlineGraceMs = settings.offlineGraceMs ?? 0
    // connected() tells live connections from closed ones by their expiry: a live one is refreshed every
    // ttlMs / 3, so it always lasts more than two thirds of ttlMs; a closed one at most offlineGraceMs.
    if (this.offlineGraceMs >= (this.ttlMs * 2) / 3)
      throw new Error('presence.offlineGraceMs must be under two thirds of presence.ttlMs')
    const redis = app.get('redis')
    this.store = redis ? new RedisPresenceStore(redis, keyPrefix(app)) : new MemoryPresenceStore()
  }

  start() {
    if (this.timers.length) return
    const every = (ms: number, fn: () => Promise<void>) => {
      const timer = setInterval(() => void fn(), ms)
      timer.unref()
      this.timers.push(timer)
    }
    every(this.sweepMs, () => this.sweep())
    every(Math.max(10, Math.floor(this.ttlMs / 3)), () => this.refresh())
  }

  // Stops the timers and waits for store writes and announcements already under way (before Redis/DB close).
  async stop() {
    this.timers.forEach(clearInterval)
    this.timers = []
    while (this.pending.size) await Promise.allSettled([...this.pending])
    this.flush()
  }

  // A socket of this process logged in (or re-authenticated, possibly as someone else); resolves with its expiry.
  // `orgId`: the user's org as the login just read it, so coming online needs no lookup (a reconnect storm
  // is a thousand of these at once); without it the announcement reads it.
  connect(connId: string, userId: string, orgId?: string | null): Promise<number> {
    const previous = this.local.get(connId)
    if (previous && previous !== userId) this.disconnect(connId)
    this.local.set(connId, userId)
    return this.heartbeat(userId, connId, orgId)
  }

  // A socket of this process logged out (at once) or closed (`grace`: it stays a connection, no longer
  // refreshed, for offlineGraceMs; a reconnect within it is no transition, else the sweep announces offline
  // with the close as last seen).
  disconnect(connId: string, { grace = false } = {}) {
    const userId = this.local.get(connId)
    if (!userId) return
    this.local.delete(connId)
    if (!grace || this.offlineGraceMs <= 0) return this.leave(userId, [connId])
    const now = Date.now()
    this.track(
      this.store.touch(userId, [connId], now + this.offlineGraceMs, now).then((cameOnline) => {
        // The store had lost the user (a flushed Redis): not online there, so no grace to give.
        if (cameOnline) this.leave(userId, [connId])
      })
    )
  }

  // Keeps one connection alive for another TTL; resolves with its new expiry once the store has it.
  async heartbeat(userId: string, connId: string, orgId?: string | null): Promise<number> {
    const now = Date.now()
    const expiresAt = now + this.ttlMs
    const cameOnline = await this.track(this.store.touch(userId, [connId], expiresAt, now), false)
    if (cameOnline) this.announce(userId, 'online', now, orgId)
    return expiresAt
  }

  // Ends connections that are not sockets of this process (a REST heartbeat's session at logout).
  leave(userId: string, connIds: string[]) {
    const now = Date.now()
    this.track(
      this.store.remove(userId, connIds, now).then((wentOffline) => {
        if (wentOffline) this.announce(userId, 'offline', now)
      })
    )
  }

  // Online as the org was told (a closed socket in its grace period included).
  async statuses(userIds: string[]) {
    return this.store.online(userIds)
  }

  // Online with a live connection now: whether a notification would be seen live. A user who closed the app
  // a moment ago is still online to the org, but a push must not wait out the grace period.
  async connected(userIds: string[]) {
    return this.store.lastingBeyond(userIds, Date.now() + this.offlineGraceMs)
  }

  private async refresh() {
    if (this.busy.refresh || this.local.size === 0) return
    this.busy.refresh = true
    const byUser = new Map<string, string[]>()
    for (const [connId, userId] of this.local) {
      const conns = byUser.get(userId)
      if (conns) conns.push(connId)
      else byUser.set(userId, [connId])
    }
    const entries = [...byUser].map(([userId, connIds]) => ({ userId, connIds }))
    const now = Date.now()
    // Sent at once (no await before it), so a disconnect handled later is also written later.
    const refreshed = this.store.touchMany(entries, now + this.ttlMs, now).then((cameOnline) => {
      for (const userId of cameOnline) this.announce(userId, 'online', now)
    })
    await this.track(refreshed).finally(() => (this.busy.refresh = false))
  }

  private async sweep() {
    if (this.busy.sweep) return
    this.busy.sweep = true
    try {
      for (;;) {
        const now = Date.now()
        const gone = await this.track(this.store.sweep(now, SWEEP_BATCH), false)
        for (const { userId, lastSeen } of gone) this.announce(userId, 'offline', Math.min(now, lastSeen))
        if (gone.length < SWEEP_BATCH) break
      }
    } catch (error) {
      logger.error({ err: error }, 'presence sweep failed')
    } finally {
      this.busy.sweep = false
    }
  }

  private announce(userId: string, status: PresenceStatus, at: number, orgId?: string | null) {
    const previous = this.chains.get(userId) ?? Promise.resolve()
    // A failed announcement (logged by track) must not stop the ones after it.
    const next = previous.catch(() => undefined).then(() => this.publish(userId, status, at, orgId))
    this.chains.set(userId, next)
    this.track(next.finally(() => this.chains.get(userId) === next && this.chains.delete(userId)))
  }

  private async publish(userId: string, status: PresenceStatus, at: number, orgId?: string | null) {
    const db = this.app.get('postgresqlClient')
    const lastSeen = new Date(at)
    const row =
      status === 'offline'
        ? (await db('users').where({ id: userId }).update({ last_seen_at: lastSeen }, ['org_id']))[0]
        : orgId !== undefined
          ? { org_id: orgId }
          : await db('users').where({ id: userId }).first('org_id')
    // Presence is org-scoped: users without an org have nobody to tell.
    if (!row?.org_id) return
    const event: PresenceEvent = { user_id: userId, status, last_seen_at: lastSeen.toISOString() }
    const batch = this.outbox.get(row.org_id)
    if (batch) batch.push(event)
    else this.outbox.set(row.org_id, [event])
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.batchMs)
      this.flushTimer.unref()
    }
  }

  // One `presence patched` per org and window, its payload the window's transitions in order (an array).
  private flush() {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    const outbox = this.outbox
    this.outbox = new Map()
    for (const [orgId, events] of outbox)
      publishEvent(this.app, 'presence patched', { to: [{ org: orgId }], payload: events })
  }

  // Remembers work under way for stop(); logs and swallows failures unless the caller handles them itself.
  private track<T>(promise: Promise<T>, swallow = true): Promise<T> {
    const settled = promise.catch((error) => {
      if (swallow) logger.error({ err: error }, 'presence update failed')
      return undefined as T
    })
    this.pending.add(settled)
    void settled.finally(() => this.pending.delete(settled))
    return swallow ? settled : promise
  }
}

const trackers = new WeakMap<Application, PresenceTracker>()

export const presenceOf = (app: Application): PresenceTracker => {
  let tracker = trackers.get(app)
  if (!tracker) trackers.set(app, (tracker = new PresenceTracker(app)))
  return tracker
}
