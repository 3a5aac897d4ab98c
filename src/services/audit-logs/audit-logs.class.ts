// Audit logs: a read-only view of audit_logs; rows are only ever written by recordAudit inside transactions.
import type { Params, ServiceInterface } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import type { AuditLog, AuditLogQuery } from './audit-logs.schema'

export type { AuditLog, AuditLogQuery }

export interface AuditLogParams extends KnexAdapterParams<AuditLogQuery> {}

export class AuditLogService<ServiceParams extends Params = AuditLogParams>
  extends KnexService<AuditLog, never, AuditLogParams>
  implements ServiceInterface<AuditLog, never, AuditLogParams> {}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'audit_logs'
})
