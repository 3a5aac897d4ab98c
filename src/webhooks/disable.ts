// A webhook whose deliveries keep dying is switched off: after webhooks.disableAfterDeadDeliveries dead
// deliveries in a row (a success resets the streak) it becomes inactive, with an audit entry and an outbox row
// that notifies the org's ADMINs, all in one transaction. Re-enabling (patch active: true) resets the streak.
import type { Application } from '../declarations'
import { recordAudit } from '../audit'
import { enqueueTopic, outboxOf } from '../outbox'

export const disableFailingWebhook = async (app: Application, webhookId: string, threshold: number) => {
  const db = app.get('postgresqlClient')
  const disabled = await db.transaction(async (trx) => {
    const [hook] = await trx('webhooks')
      .where({ id: webhookId })
      .increment('dead_streak', 1)
      .returning(['id', 'org_id', 'url', 'active', 'dead_streak'])
    if (!hook || !hook.active || hook.dead_streak < threshold) return false
    await trx('webhooks')
      .where({ id: webhookId })
      .update({
        active: false,
        disabled_reason: `${hook.dead_streak} deliveries in a row were dead`,
        updated_at: trx.fn.now()
      })
    await recordAudit(trx, {
      org_id: hook.org_id,
      actor_id: null,
      action: 'webhook.disabled',
      target: hook.id,
      meta: { url: hook.url, dead_deliveries: hook.dead_streak }
    })
    await enqueueTopic(
      trx,
      'webhookDisabled',
      { webhook_id: hook.id, url: hook.url, dead_deliveries: hook.dead_streak },
      hook.org_id
    )
    return true
  })
  if (disabled) outboxOf(app).kick()
}
