// Audit logs service: org ADMINs (and API keys with audit:read) read their own org's entries, newest first.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { requireRole } from '../../hooks/require-role'
import { scopeToOrg } from '../../hooks/scope-to-org'
import { AuditLogService, getOptions } from './audit-logs.class'
import { auditLogExternalResolver, auditLogQueryValidator, auditLogResolver } from './audit-logs.schema'
import { auditLogMethods, auditLogPath } from './audit-logs.shared'

export * from './audit-logs.class'
export * from './audit-logs.schema'

// Newest first unless asked otherwise; id breaks ties between entries of one transaction so pages are stable.
const newestFirst = async (context: HookContext) => {
  const query = context.params.query ?? {}
  if (!query.$sort) context.params.query = { ...query, $sort: { created_at: -1, id: -1 } }
}

export const auditLog = (app: Application) => {
  const service = new AuditLogService(getOptions(app))
  // Read-only: the log is written only by recordAudit, in the same transaction as the change it records.
  app.use(auditLogPath, service, { methods: auditLogMethods, events: [] })

  app.service(auditLogPath).hooks({
    around: {
      all: [
        schemaHooks.resolveExternal(auditLogExternalResolver),
        schemaHooks.resolveResult(auditLogResolver)
      ]
    },
    before: {
      // Users need the ADMIN role; API keys pass requireRole and are held to audit:read by checkApiKeyScope.
      // Entries without an org (failed logins for unknown emails) are visible to no one through the API.
      all: [requireRole('ADMIN'), schemaHooks.validateQuery(auditLogQueryValidator), scopeToOrg],
      find: [newestFirst]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [auditLogPath]: AuditLogService
  }
}
