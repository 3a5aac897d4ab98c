// Group commit of sends: the sends that arrive while earlier batches are being written, or in the same
// event-loop turn, go to PostgreSQL as one statement (chatboard_send_messages), so one commit and one WAL
// flush cover them all. Idle, a send goes out alone at the end of its turn; busy, batches grow by themselves.
import type { Knex } from 'knex'
import { storedMessageColumns } from './columns'

export interface SendItem {
  room: string
  org: string
  sender: string
  body: string
  mentions: string[]
  client_msg_id: string | null
  client_sent_at: string | null
  session: string | null
}

interface Pending {
  item: SendItem
  resolve: (row: any) => void
  reject: (error: unknown) => void
}

// Batches written at once per process: a pool of 10 keeps connections for everything else, and a batch
// that waits for a room lock held by another batch does not stop the others.
const MAX_INFLIGHT = 4
// A bound on one statement (its locks are held until it commits).
const MAX_ITEMS = 200

// A refused item, shaped like the pg error the single-send path throws (code = SQLSTATE, constraint).
const refusedWith = (code: string, constraint: string | null) =>
  Object.assign(new Error(`send refused (${code})`), { code, constraint: constraint ?? undefined })

// A named prepared statement: each pool connection parses and plans it once, not at every batch (in a pgbench of
// one-send batches, 10–30% less PostgreSQL CPU per send; bench/RESULTS.md, session 8). It reads only the
// message's stored columns (columns.ts), not its search vector.
const SEND_STATEMENT = {
  name: 'chatboard_send_messages',
  text: `select b.idx, b.room_kind, b.error_code, b.error_constraint, ${storedMessageColumns
    .map((name) => `(b.msg).${name}`)
    .join(', ')}
     from chatboard_send_messages(?::jsonb) b`
}

export class SendBatcher {
  private pending: Pending[] = []
  private inflight = 0
  private scheduled = false

  constructor(private db: () => Knex) {}

  // Resolves with the stored row plus room_kind, or rejects with the item's own refusal.
  send(item: SendItem): Promise<any> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject })
      this.schedule()
    })
  }

  private schedule() {
    if (this.scheduled || this.inflight >= MAX_INFLIGHT || this.pending.length === 0) return
    this.scheduled = true
    // After this turn's I/O callbacks: every send that arrived in the turn joins the batch.
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }

  private flush() {
    if (this.inflight >= MAX_INFLIGHT || this.pending.length === 0) return
    // Lock order: by room, and in arrival order within a room (a stable sort), so two batches never wait on
    // each other's room rows in opposite orders, and a room's seqs follow the order its sends arrived in.
    const batch = this.pending
      .splice(0, MAX_ITEMS)
      .sort((a, b) => (a.item.room < b.item.room ? -1 : a.item.room > b.item.room ? 1 : 0))
    this.inflight++
    this.write(batch).finally(() => {
      this.inflight--
      this.schedule()
    })
    this.schedule()
  }

  private async write(batch: Pending[]) {
    try {
      const result = await this.db()
        .raw(SEND_STATEMENT.text, [JSON.stringify(batch.map((p) => p.item))])
        .options({ name: SEND_STATEMENT.name })
      const answered = new Set<number>()
      for (const row of result.rows) {
        const { idx, room_kind, error_code, error_constraint, ...message } = row
        answered.add(idx)
        if (error_code) batch[idx].reject(refusedWith(error_code, error_constraint))
        else batch[idx].resolve({ ...message, room_kind })
      }
      // Every item has its row; should one ever be missing, its caller hears so rather than waiting forever.
      batch.forEach((waiting, i) => answered.has(i) || waiting.reject(new Error('send without an answer')))
    } catch (error) {
      // The statement itself failed (connection lost, timeout): nothing of the batch was stored.
      for (const waiting of batch) waiting.reject(error)
    }
  }
}
