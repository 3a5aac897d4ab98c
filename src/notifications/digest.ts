// Email digests: a user with new unread mentions or DMs gets ONE email after notifications.email.delayMs, listing
// everything still unread by then, unless they read it in time or are online at that moment.
//
// One pending digest per user: notification_digests.pending is set while their digest job is scheduled (setting
// it is what decides who schedules; a flag stuck well past its due time, e.g. after a failed enqueue, is taken
// over). The job clears it first, so anything notified while it runs schedules the next digest.
// The notifications it emails are claimed with a single UPDATE ... FOR UPDATE SKIP LOCKED that sets emailed_at,
// so two runs for one user can never email the same notification; if sending fails the claim is undone and the
// job fails (and is retried by the job runtime). A process crashing between the claim and the send loses that
// email (at most once, never twice).
import type { Application } from '../declarations'
import { logger } from '../logger'
import { presenceOf } from '../realtime/presence'
import { PREFERENCE_DEFAULTS } from './levels'
import { mailerOf } from './mailer'
import { renderDigest } from './email'
import type { DigestItem } from './email'

export const EMAIL_JOB = 'notifications.email'

export interface DigestJobData extends Record<string, unknown> {
  user_id: string
  org_id?: string
}

// Notifications older than this are no longer worth an email.
const MAX_AGE = '3 days'

// Schedules a digest for each of these users who has none pending.
export const scheduleDigests = async (
  app: Application,
  users: Array<{ user_id: string; org_id: string }>
) => {
  if (users.length === 0) return
  const db = app.get('postgresqlClient')
  const dueAt = new Date(Date.now() + app.get('notifications').email.delayMs)
  const result = await db.raw(
    `insert into notification_digests (user_id, pending, due_at) select id, true, ? from unnest(?::uuid[]) as t(id)
     on conflict (user_id) do update set pending = true, due_at = excluded.due_at
     where not notification_digests.pending or notification_digests.due_at < now() - interval '10 minutes'
     returning user_id`,
    [dueAt, users.map((user) => user.user_id)]
  )
  const orgOf = new Map(users.map((user) => [user.user_id, user.org_id]))
  for (const { user_id: userId } of result.rows as Array<{ user_id: string }>) {
    try {
      await app
        .get('jobRuntime')
        .enqueue<DigestJobData>(EMAIL_JOB, { user_id: userId, org_id: orgOf.get(userId) }, { at: dueAt })
    } catch (error) {
      // Without its job the flag would hold back this user's digests until it goes stale.
      await db('notification_digests').where({ user_id: userId }).update({ pending: false })
      throw error
    }
  }
}

// Claims every notification of the user that is worth emailing now: an unread mention or DM, not emailed yet,
// whose message still stands, in a room they are still in and have not read up to it, from someone they do
// not block (and who does not block them).
const CLAIM_SQL = `
update notifications set emailed_at = now()
where id in (
  select n.id from notifications n
  join messages m on m.id = n.message_id and m.unsent_at is null and m.deleted_at is null
  join room_members rm on rm.room_id = n.room_id and rm.user_id = n.user_id and rm.last_read_seq < n.message_seq
  where n.user_id = ? and n.type in ('mention', 'dm') and n.read_at is null and n.emailed_at is null
    and n.created_at > now() - interval '${MAX_AGE}'
    and not exists (
      select 1 from friendships f where f.status = 'blocked'
        and least(f.requester_id, f.addressee_id) = least(n.user_id, n.actor_id)
        and greatest(f.requester_id, f.addressee_id) = greatest(n.user_id, n.actor_id))
  for update of n skip locked
)
returning id, type, message_id, payload, created_at`

export type DigestOutcome = 'sent' | 'nothing' | 'online' | 'email_off' | 'inactive'

export const runDigest = async (app: Application, userId: string): Promise<DigestOutcome> => {
  const db = app.get('postgresqlClient')
  await db('notification_digests').where({ user_id: userId }).update({ pending: false })
  const user = await db('users').where({ id: userId }).first('id', 'email', 'name', 'status')
  if (!user || user.status !== 'active') return 'inactive'
  const defaults = await db('notification_preferences')
    .where({ user_id: userId })
    .whereNull('room_id')
    .first('email')
  if (!(defaults?.email ?? PREFERENCE_DEFAULTS.email)) return 'email_off'
  // Someone online sees their notifications live; what stays unread may go into a later digest.
  if ((await presenceOf(app).connected([userId])).has(userId)) return 'online'
  const claimed = (await db.raw(CLAIM_SQL, [userId])).rows as any[]
  if (claimed.length === 0) return 'nothing'
  const ids = claimed.map((row) => row.id as string)
  try {
    // The current text: an edit after the notification shows as edited.
    const bodies = new Map<string, string>(
      (
        await db('messages')
          .whereIn(
            'id',
            claimed.map((row) => row.message_id)
          )
          .select('id', 'body')
      ).map((row) => [row.id, row.body])
    )
    const items: DigestItem[] = claimed
      .map((row) => ({
        type: row.type,
        actorName: row.payload?.actor?.name ?? row.payload?.actor?.username ?? 'Someone',
        roomName: row.payload?.room?.name ?? null,
        body: bodies.get(row.message_id) ?? '',
        createdAt: new Date(row.created_at)
      }))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    const mail = renderDigest({ userId, email: user.email, name: user.name }, items, {
      maxListed: app.get('notifications').email.maxListed,
      appUrl: app.get('publicUrl')
    })
    await mailerOf(app).send(mail)
  } catch (error) {
    await db('notifications').whereIn('id', ids).update({ emailed_at: null })
    throw error
  }
  logger.info({ user_id: userId, notifications: ids.length }, 'notification digest emailed')
  return 'sent'
}
