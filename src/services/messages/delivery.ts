// Delivery state of a sender's own messages, derived from the members' delivered/read pointers in one query
// per page (no per-message-per-member rows: those tables grow to gigabytes).
import type { Knex } from 'knex'

export interface Delivery {
  status: 'persisted' | 'delivered' | 'read'
  recipients: number
  delivered: number
  read: number
}

export const deliveryFor = async (db: Knex, roomId: string, senderId: string, seqs: number[]) => {
  const bySeq = new Map<number, Delivery>()
  if (seqs.length === 0) return bySeq
  const result = await db.raw(
    `select s.seq::bigint as seq,
        count(rm.user_id)::int as recipients,
        (count(rm.user_id) filter (where rm.delivered_seq >= s.seq or rm.last_read_seq >= s.seq))::int as delivered,
        (count(rm.user_id) filter (where rm.last_read_seq >= s.seq))::int as read
     from unnest(?::bigint[]) as s(seq)
     left join room_members rm on rm.room_id = ? and rm.user_id <> ?
     group by s.seq`,
    [seqs, roomId, senderId]
  )
  for (const row of result.rows) {
    const recipients = Number(row.recipients)
    const delivered = Number(row.delivered)
    const read = Number(row.read)
    // "read" once every recipient has read it; "delivered" once every recipient's client has it.
    const status =
      recipients > 0 && read === recipients
        ? 'read'
        : recipients > 0 && delivered === recipients
          ? 'delivered'
          : 'persisted'
    bySeq.set(Number(row.seq), { status, recipients, delivered, read })
  }
  return bySeq
}
