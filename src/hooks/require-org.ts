// Refuses external callers that belong to no organization (403 no_org): every org-scoped service starts here.
import { requireOrgId } from '../auth/principal'
import type { HookContext } from '../declarations'

export const requireOrg = async (context: HookContext) => {
  if (context.params.provider) requireOrgId(context.params)
}
