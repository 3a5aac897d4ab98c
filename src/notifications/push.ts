// Web push: a mention or DM for a user who is offline is pushed to each of their subscribed devices, encrypted
// for that device (RFC 8291, aes128gcm) and signed with our VAPID key. web-push builds the request; we send it
// ourselves so the connection goes through the private-address guard (net-guard.ts) with a timeout.
import http from 'node:http'
import https from 'node:https'
import webpush from 'web-push'
import type { Application } from '../declarations'
import { logger } from '../logger'
import { presenceOf } from '../realtime/presence'
import { PREFERENCE_DEFAULTS } from './levels'
import { checkEndpoint, guardedLookup } from './net-guard'
import { vapidKeysOf } from './vapid'

export const PUSH_JOB = 'notifications.push'

export interface PushJobData extends Record<string, unknown> {
  notification_id: string
  org_id?: string
}

export interface PushSubscriptionRow {
  id: string
  user_id: string
  endpoint: string
  p256dh: string
  auth: string
}

// Push services answer 404/410 for subscriptions that are gone for good: those are deleted.
const GONE = new Set([404, 410])

const post = (
  url: URL,
  headers: Record<string, string | number>,
  body: Buffer | null,
  allowPrivate: boolean,
  timeoutMs: number
) =>
  new Promise<number>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', headers, lookup: guardedLookup(allowPrivate), timeout: timeoutMs },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
        response.on('error', reject)
      }
    )
    request.on('timeout', () => request.destroy(new Error(`push endpoint timed out after ${timeoutMs} ms`)))
    request.on('error', reject)
    request.end(body ?? undefined)
  })

// Sends one payload to one subscription; resolves with the push service's status code.
export const sendPush = async (
  app: Application,
  subscription: PushSubscriptionRow,
  payload: unknown,
  topic?: string
) => {
  const settings = app.get('notifications').push
  const url = checkEndpoint(subscription.endpoint, settings.allowPrivateEndpoints)
  const vapid = await vapidKeysOf(app)
  const details = webpush.generateRequestDetails(
    { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
    JSON.stringify(payload),
    {
      vapidDetails: vapid,
      TTL: settings.ttlSeconds,
      urgency: 'high',
      contentEncoding: 'aes128gcm',
      ...(topic ? { topic } : {})
    }
  )
  return post(
    url,
    details.headers as Record<string, string | number>,
    details.body,
    settings.allowPrivateEndpoints,
    settings.timeoutMs
  )
}

// What the service worker gets: enough to show the notification and open the right room.
const pushPayload = (row: any) => {
  const actor = row.payload?.actor?.name ?? row.payload?.actor?.username ?? 'Someone'
  const room = row.payload?.room?.name
  return {
    notification_id: row.id,
    type: row.type,
    room_id: row.room_id,
    title: row.type === 'dm' ? actor : `${actor} mentioned you${room ? ` in #${room}` : ''}`,
    body: row.payload?.excerpt ?? ''
  }
}

export type PushOutcome = 'sent' | 'skipped' | 'online' | 'no_devices'

export const runPush = async (app: Application, notificationId: string): Promise<PushOutcome> => {
  const db = app.get('postgresqlClient')
  const row = await db('notifications').where({ id: notificationId }).first()
  if (!row || row.read_at || row.pushed_at) return 'skipped'
  const defaults = await db('notification_preferences')
    .where({ user_id: row.user_id })
    .whereNull('room_id')
    .first('push')
  if (!(defaults?.push ?? PREFERENCE_DEFAULTS.push)) return 'skipped'
  if ((await presenceOf(app).connected([row.user_id])).has(row.user_id)) return 'online'
  const subscriptions: PushSubscriptionRow[] = await db('push_subscriptions').where({ user_id: row.user_id })
  if (subscriptions.length === 0) return 'no_devices'
  // The room as topic: a device that was offline gets the latest push per room, not a pile of them.
  const topic = row.room_id ? String(row.room_id).replace(/-/g, '') : undefined
  const payload = pushPayload(row)
  const results = await Promise.allSettled(subscriptions.map((sub) => sendPush(app, sub, payload, topic)))
  let delivered = 0
  let transient = 0
  for (const [index, result] of results.entries()) {
    const sub = subscriptions[index]
    const status = result.status === 'fulfilled' ? result.value : 0
    if (status >= 200 && status < 300) {
      delivered++
      await db('push_subscriptions').where({ id: sub.id }).update({ last_success_at: db.fn.now() })
    } else if (GONE.has(status)) {
      await db('push_subscriptions').where({ id: sub.id }).del()
    } else {
      transient++
      const reason =
        result.status === 'rejected' ? String(result.reason?.message ?? result.reason) : `HTTP ${status}`
      logger.warn({ subscription_id: sub.id, reason }, 'web push failed')
    }
  }
  // Retry only when no device got it and some might still: a retry re-sends to every device.
  if (delivered === 0 && transient > 0) throw new Error(`web push failed for all ${transient} device(s)`)
  await db('notifications').where({ id: notificationId }).update({ pushed_at: db.fn.now() })
  return delivered > 0 ? 'sent' : 'no_devices'
}

// Queues a push for each of these notifications whose user is offline now and has a subscribed device.
export const schedulePushes = async (
  app: Application,
  notifications: Array<{ id: string; user_id: string; org_id: string }>
) => {
  if (notifications.length === 0) return
  const userIds = [...new Set(notifications.map((n) => n.user_id))]
  const online = await presenceOf(app).connected(userIds)
  const offline = userIds.filter((id) => !online.has(id))
  if (offline.length === 0) return
  const db = app.get('postgresqlClient')
  const withDevices = new Set<string>(
    (await db('push_subscriptions').whereIn('user_id', offline).distinct('user_id')).map((row) => row.user_id)
  )
  const delayMs = app.get('notifications').push.delayMs
  const at = delayMs > 0 ? { at: new Date(Date.now() + delayMs) } : {}
  for (const n of notifications) {
    if (!withDevices.has(n.user_id)) continue
    await app
      .get('jobRuntime')
      .enqueue<PushJobData>(PUSH_JOB, { notification_id: n.id, org_id: n.org_id }, at)
  }
}
