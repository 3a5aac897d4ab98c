// Delivery state of my own messages on a catch-up page, for all its rooms in one query (members' pointers).
import type { HookContext } from '../../declarations'
import type { Delivery } from '../messages/delivery'

const calls = new WeakMap<HookContext, Promise<Map<string, Delivery>>>()

// The same rule as messages/delivery.ts: "read" once every recipient read it, "delivered" once every
// recipient's client has it, else "persisted".
const statusOf = (recipients: number, delivered: number, read: number): Delivery['status'] =>
  recipients > 0 && read === recipients
    ? 'read'
    : recipients > 0 && delivered === recipients
      ? 'delivered'
      : 'persisted'

export const deliveriesOfCall = (context: HookContext, me: string) => {
  let pending = calls.get(context)
  if (!pending) {
    const items: any[] = Array.isArray(context.result?.data) ? context.result.data : []
    const mine = items.filter((m) => m?.sender_id === me)
    pending = (async () => {
      const byId = new Map<string, Delivery>()
      if (mine.length === 0) return byId
      const result = await context.app.get('postgresqlClient').raw(
        `select s.id, count(rm.user_id)::int as recipients,
            (count(rm.user_id) filter (where rm.delivered_seq >= s.seq or rm.last_read_seq >= s.seq))::int
              as delivered,
            (count(rm.user_id) filter (where rm.last_read_seq >= s.seq))::int as read
         from unnest(?::uuid[], ?::uuid[], ?::bigint[]) as s(id, room_id, seq)
         left join room_members rm on rm.room_id = s.room_id and rm.user_id <> ?
         group by s.id`,
        [mine.map((m) => m.id), mine.map((m) => m.room_id), mine.map((m) => m.seq), me]
      )
      for (const row of result.rows) {
        const [recipients, delivered, read] = [row.recipients, row.delivered, row.read].map(Number)
        byId.set(row.id, { status: statusOf(recipients, delivered, read), recipients, delivered, read })
      }
      return byId
    })()
    calls.set(context, pending)
  }
  return pending
}
