// Who may see and change which user: org members see each other; people edit only their own profile;
// ADMINs change roles and status; anyone may leave their org and ADMINs may remove members from it.
import { BadRequest, Forbidden } from '@feathersjs/errors'
import { verifyPassword } from '../../auth/passwords'
import type { HookContext } from '../../declarations'

// A user outside any org sees only themselves; inside one, the members of that org.
export const scopeUsers = async (context: HookContext) => {
  const { provider, user, apiKey } = context.params
  if (!provider) return
  const scope = apiKey ? { org_id: apiKey.org_id } : user?.org_id ? { org_id: user.org_id } : { id: user!.id }
  context.params.query = { ...context.params.query, ...scope }
}

const PROFILE_FIELDS = ['name', 'avatar_url', 'bio', 'password', 'current_password']
const ADMIN_FIELDS = ['role', 'status']

export const authorizeUserChange = async (context: HookContext) => {
  const { provider, user: me } = context.params
  if (!provider) return
  if (!me) throw new Forbidden('Only a signed-in user can do this', { code: 'user_required' })
  // Look the target up within the caller's scope first, so invisible ids answer 404 like missing ones.
  const target = await context.self._get(context.id, { query: context.params.query })
  const isSelf = target.id === me.id
  const isAdmin = !!me.org_id && me.role === 'ADMIN'
  if (context.method === 'remove') {
    if (!isSelf && !isAdmin) throw new Forbidden('Only ADMINs can remove members', { code: 'role_required' })
    if (!target.org_id) throw new BadRequest('Not a member of an organization', { code: 'no_org' })
    return
  }
  const data = context.data as Record<string, unknown>
  // A bot (an API key's identity) never holds an org role; its key's scopes say what it may do.
  if (target.kind === 'bot' && data.role !== undefined) {
    throw new BadRequest('Bots cannot hold organization roles', { code: 'bot_no_role' })
  }
  for (const field of Object.keys(data)) {
    if (PROFILE_FIELDS.includes(field) && !isSelf) {
      throw new Forbidden('Only the user can edit their own profile', { code: 'not_owner' })
    }
    if (ADMIN_FIELDS.includes(field) && !isAdmin) {
      throw new Forbidden(`Only ADMINs can change ${field}`, { code: 'role_required' })
    }
    if (field === 'status' && isSelf) {
      throw new Forbidden('You cannot change your own status', { code: 'forbidden' })
    }
  }
  if (data.password !== undefined) {
    if (typeof data.current_password !== 'string') {
      throw new BadRequest('current_password is required to change the password', {
        code: 'current_password_required'
      })
    }
    const row = await context.app
      .get('postgresqlClient')('users')
      .select('password')
      .where({ id: me.id })
      .first()
    if (!(await verifyPassword(row?.password, data.current_password))) {
      throw new Forbidden('The current password is wrong', { code: 'invalid_current_password' })
    }
  } else if (data.current_password !== undefined) {
    throw new BadRequest('current_password is only used with password', { code: 'validation_error' })
  }
}
