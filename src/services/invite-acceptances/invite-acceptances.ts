// Invite-acceptances service: a signed-in user redeems an invite token to join its org. API keys cannot
// (no scope lists this path, and the class requires a user: an org's key has no person to place in it).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { InviteAcceptanceService } from './invite-acceptances.class'
import { inviteAcceptanceDataValidator, inviteAcceptanceResolver } from './invite-acceptances.schema'
import { inviteAcceptanceMethods, inviteAcceptancePath } from './invite-acceptances.shared'

export * from './invite-acceptances.class'
export * from './invite-acceptances.schema'

export const inviteAcceptance = (app: Application) => {
  app.use(inviteAcceptancePath, new InviteAcceptanceService(app), {
    methods: inviteAcceptanceMethods,
    events: []
  })

  app.service(inviteAcceptancePath).hooks({
    around: {
      all: [schemaHooks.resolveResult(inviteAcceptanceResolver)]
    },
    before: {
      create: [schemaHooks.validateData(inviteAcceptanceDataValidator)]
    }
  })
  // No publish(): the result is only for the caller.
}

declare module '../../declarations' {
  interface ServiceTypes {
    [inviteAcceptancePath]: InviteAcceptanceService
  }
}
