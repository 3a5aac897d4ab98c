// Accepting an invite as a signed-in user: redeem the token and join its org with its role, in one transaction.
import { MethodNotAllowed } from '@feathersjs/errors'
import type { Params, ServiceInterface } from '@feathersjs/feathers'
import type { Application } from '../../declarations'
import { requireUser } from '../../auth/principal'
import { joinOrg } from '../../realtime/membership'
import { redeemInvite } from '../invites/invites.redeem'
import type { InviteAcceptance, InviteAcceptanceData } from './invite-acceptances.schema'

export type { InviteAcceptance, InviteAcceptanceData }

// Write-only (create): nothing is read through it, so no adapter; the whole write is one transaction.
export class InviteAcceptanceService<ServiceParams extends Params = Params> implements ServiceInterface<
  InviteAcceptance,
  InviteAcceptanceData,
  ServiceParams
> {
  constructor(public app: Application) {}

  async create(data: InviteAcceptanceData, params?: ServiceParams): Promise<InviteAcceptance> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Accept one invite at a time')
    const me = requireUser(params ?? {})
    const db = this.app.get('postgresqlClient')
    const { user, invite } = await db.transaction(async (trx) => {
      // Re-read the caller under a lock: params.user may predate a concurrent join, and parallel
      // acceptances by one user must serialize (the invite row lock in redeemInvite does the rest).
      const fresh = await trx('users')
        .select('id', 'email', 'org_id')
        .where({ id: me.id })
        .forUpdate()
        .first()
      return redeemInvite(trx, data.token, fresh, params?.ip)
    })
    // Realtime effects only after commit: the user's live sockets start receiving the org's events.
    joinOrg(this.app, user.id, user.org_id)
    return { org_id: invite.org_id, role: invite.role, invite_id: invite.id, user }
  }
}
