// Confines every external query of an org-owned table to the caller's org: other orgs' ids look nonexistent.
import { requireOrgId } from '../auth/principal'
import type { HookContext } from '../declarations'

export const scopeToOrg = async (context: HookContext) => {
  if (!context.params.provider) return
  const orgId = requireOrgId(context.params)
  context.params.query = { ...context.params.query, org_id: orgId }
}
