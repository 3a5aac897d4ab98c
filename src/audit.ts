// Writes security and admin actions to audit_logs; pass the open transaction so the entry commits with the change.
import type { Knex } from 'knex'

export interface AuditEntry {
  org_id: string | null
  actor_id?: string | null
  action: string
  target?: string | null
  meta?: Record<string, unknown>
  ip?: string | null
}

export const recordAudit = async (db: Knex, entry: AuditEntry) => {
  await db('audit_logs').insert({
    org_id: entry.org_id,
    actor_id: entry.actor_id ?? null,
    action: entry.action,
    target: entry.target ?? null,
    meta: JSON.stringify(entry.meta ?? {}),
    ip: entry.ip ?? null
  })
}
