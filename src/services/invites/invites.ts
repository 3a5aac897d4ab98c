// Invites service: ADMINs and MANAGERs (or API keys with invites:* scopes) manage their own org's invites.
import { Forbidden } from '@feathersjs/errors'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { roles } from '../../auth/principal'
import type { Role } from '../../auth/principal'
import { normalizeText } from '../../hooks/normalize-text'
import { requireRole } from '../../hooks/require-role'
import { scopeToOrg } from '../../hooks/scope-to-org'
import { InviteService, getOptions } from './invites.class'
import { inviteDataValidator, inviteQueryValidator, inviteResolver } from './invites.schema'
import { inviteMethods, invitePath } from './invites.shared'

export * from './invites.class'
export * from './invites.schema'

const rank: Record<Role, number> = { MEMBER: 0, MANAGER: 1, ADMIN: 2 }

// Nobody may hand out more power than they hold: a MANAGER inviting an ADMIN would be privilege escalation.
// An API key ranks as a MANAGER here: a leaked script credential must never be able to mint ADMINs.
export const limitInvitedRole = async (context: HookContext) => {
  const { provider, user, apiKey } = context.params
  if (!provider || (!apiKey && !user)) return
  const holder: Role = apiKey ? 'MANAGER' : (user!.role as Role)
  const wanted = (context.data as { role: Role }).role
  if (rank[wanted] > rank[holder]) {
    throw new Forbidden(`A ${apiKey ? 'API key' : holder} cannot invite someone as ${wanted}`, {
      code: 'role_required',
      roles: roles.filter((role) => rank[role] >= rank[wanted])
    })
  }
}

export const invite = (app: Application) => {
  const service = new InviteService(getOptions(app))
  service.app = app
  app.use(invitePath, service, { methods: inviteMethods, events: [] })

  // The role gate runs before scoping so a MEMBER gets 403 role_required whatever the id.
  const manage = [requireRole('ADMIN', 'MANAGER'), scopeToOrg]
  app.service(invitePath).hooks({
    around: {
      all: [schemaHooks.resolveResult(inviteResolver)]
    },
    before: {
      all: [schemaHooks.validateQuery(inviteQueryValidator)],
      find: manage,
      get: manage,
      create: [
        requireRole('ADMIN', 'MANAGER'),
        normalizeText({ email: 'lower' }),
        schemaHooks.validateData(inviteDataValidator),
        limitInvitedRole
      ],
      remove: manage
    }
  })
  // No publish(): the created event carries the plaintext token, so invite events go to no channel.
}

declare module '../../declarations' {
  interface ServiceTypes {
    [invitePath]: InviteService
  }
}
