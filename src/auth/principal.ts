// Who is calling: a logged-in user or an org API key. Every authorization decision starts here.
import { Forbidden } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'

export type Role = 'ADMIN' | 'MANAGER' | 'MEMBER'
export const roles: Role[] = ['ADMIN', 'MANAGER', 'MEMBER']

// The user row of a key's bot (kind `bot`; no password, email or role). In the services of
// `apiKeyActsAsBot` (auth/scopes.ts) it becomes params.user, so room policy applies to it as to anyone.
export interface BotUser {
  id: string
  org_id: string
  kind: 'bot'
  username: string
  name: string
  status: string
  role: null
  [field: string]: unknown
}

export interface ApiKeyPrincipal {
  id: string
  org_id: string
  name: string
  scopes: string[]
  bot: BotUser | null
}

// The org the caller acts in, or null for a user who has not joined or created one yet.
export const orgIdOf = (params: Params): string | null => params.user?.org_id ?? params.apiKey?.org_id ?? null

export const requireOrgId = (params: Params): string => {
  const orgId = orgIdOf(params)
  if (!orgId) throw new Forbidden('You are not a member of an organization', { code: 'no_org' })
  return orgId
}

export const requireUser = (params: Params) => {
  if (!params.user) throw new Forbidden('Only a signed-in user can do this', { code: 'user_required' })
  return params.user
}
