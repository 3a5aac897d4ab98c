// Reading a room reads its notifications: when a read pointer moves, the reader's unread notifications of
// that room up to the pointer are marked read and announced to their devices. Runs in the receipt's call,
// after its commit and before its answer (a notification created meanwhile is marked by notify.ts instead).
import type { Application, HookContext } from '../declarations'
import { movedOf } from '../services/receipts/receipts.class'
import type { Receipt } from '../services/receipts/receipts.class'
import { toNotification } from '../services/notifications/notifications.class'

export const readRoomNotifications = async (app: Application, receipt: Receipt) => {
  const db = app.get('postgresqlClient')
  const read = await db('notifications')
    .where({ user_id: receipt.user_id, room_id: receipt.room_id })
    .whereNull('read_at')
    .where('message_seq', '<=', receipt.last_read_seq)
    .update({ read_at: db.fn.now() })
    .returning('*')
  const service = app.service('notifications')
  for (const row of read) service.emit('patched', toNotification(row))
}

// The receipts service's after-create hook.
export const readNotificationsOnReceipt = async (context: HookContext) => {
  const receipt = context.result as Receipt
  if (movedOf(receipt).read) await readRoomNotifications(context.app, receipt)
}
