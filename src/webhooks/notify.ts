// webhooks.disabled (outbox) -> a `webhook_disabled` notification for each active ADMIN of the webhook's org.
import type { Application } from '../declarations'
import { createNotifications } from '../notifications/notify'
import type { NotificationDraft } from '../notifications/notify'
import type { Outbox, OutboxRow } from '../outbox/outbox'
import { TOPICS } from '../outbox/topics'
import type { TopicPayload } from '../outbox/topics'

export const webhookHandlers = (outbox: Outbox) => {
  outbox.on(TOPICS.webhookDisabled, async (app: Application, row: OutboxRow) => {
    const payload = row.payload as TopicPayload<'webhookDisabled'>
    if (!row.org_id) return
    const admins: string[] = await app
      .get('postgresqlClient')('users')
      .where({ org_id: row.org_id, role: 'ADMIN', status: 'active' })
      .pluck('id')
    const drafts: NotificationDraft[] = admins.map((userId) => ({
      user_id: userId,
      org_id: row.org_id!,
      type: 'webhook_disabled',
      actor_id: null,
      payload: {
        excerpt: `The webhook to ${payload.url} was disabled after ${payload.dead_deliveries} dead deliveries (id ${payload.webhook_id})`
      }
    }))
    await createNotifications(app, drafts, null)
  })
}
