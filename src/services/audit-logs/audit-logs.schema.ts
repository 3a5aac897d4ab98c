// Audit log schemas: read-only rows written by recordAudit (src/audit.ts) and how they may be queried.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'

export const auditLogSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    actor_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    action: Type.String(),
    // A user, key or invite id, or for failed logins the email that was tried.
    target: Type.Union([Type.String(), Type.Null()]),
    meta: Type.Record(Type.String(), Type.Unknown()),
    ip: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.Any({ description: 'ISO 8601 date-time (UTC)' })
  },
  { $id: 'AuditLog', additionalProperties: false }
)
export type AuditLog = Static<typeof auditLogSchema>
export const auditLogResolver = resolve<AuditLog, HookContext>({})
export const auditLogExternalResolver = resolve<AuditLog, HookContext>({})

// Filters an admin needs: what happened, who did it, to what, and when ($gt/$gte/$lt/$lte on created_at).
export const auditLogQueryProperties = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    action: Type.String({ maxLength: 100 }),
    actor_id: Type.String({ format: 'uuid' }),
    target: Type.String({ maxLength: 254 }),
    created_at: QueryDateTime
  },
  { additionalProperties: false }
)
export const auditLogQuerySchema = strictQuerySyntax(auditLogQueryProperties)
export type AuditLogQuery = Static<typeof auditLogQuerySchema>
export const auditLogQueryValidator = getValidator(auditLogQuerySchema, queryValidator)
