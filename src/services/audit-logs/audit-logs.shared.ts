// Client-side registration of the audit-logs service (read-only).
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { AuditLog, AuditLogQuery, AuditLogService } from './audit-logs.class'

export type { AuditLog, AuditLogQuery }

export type AuditLogClientService = Pick<
  AuditLogService<Params<AuditLogQuery>>,
  (typeof auditLogMethods)[number]
>

export const auditLogPath = 'audit-logs'

export const auditLogMethods: Array<keyof AuditLogService> = ['find', 'get']

export const auditLogClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(auditLogPath, connection.service(auditLogPath), { methods: auditLogMethods })
}

declare module '../../client' {
  interface ServiceTypes {
    [auditLogPath]: AuditLogClientService
  }
}
