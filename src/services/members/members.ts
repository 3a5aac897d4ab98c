// Members service: who is in a room. Every change reaches the room and the affected user's own devices.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { MemberService } from './members.class'
import {
  memberDataValidator,
  memberExternalResolver,
  memberPatchValidator,
  memberQueryValidator,
  memberResolver
} from './members.schema'
import { memberMethods, memberPath } from './members.shared'
import { requireOrg } from '../../hooks/require-org'
import {
  authorizeRoom,
  memberCreateActions,
  memberPatchActions,
  memberRemoveActions
} from '../../hooks/authorize-room'

export * from './members.class'
export * from './members.schema'

export const member = (app: Application) => {
  app.use(memberPath, new MemberService(app), { methods: [...memberMethods], events: [] })

  app.service(memberPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(memberExternalResolver), schemaHooks.resolveResult(memberResolver)]
    },
    before: {
      all: [requireOrg],
      find: [schemaHooks.validateQuery(memberQueryValidator), authorizeRoom('read')],
      create: [schemaHooks.validateData(memberDataValidator), authorizeRoom(memberCreateActions)],
      patch: [schemaHooks.validateData(memberPatchValidator), authorizeRoom(memberPatchActions)],
      remove: [authorizeRoom(memberRemoveActions)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [memberPath]: MemberService
  }
}
