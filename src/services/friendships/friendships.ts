// Friendships service: every change is announced to the devices of both users of the pair and nobody else.
// Hook point for notifications: `friendships created` with status 'pending' is a new friend request (notify
// the addressee); `friendships patched` with status 'accepted' is an accepted one (notify the requester).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { EVENT, FriendshipService, REPLACED, getOptions } from './friendships.class'
import {
  friendshipDataValidator,
  friendshipPatchValidator,
  friendshipQueryValidator
} from './friendships.schema'
import { friendshipViewResolver } from './friendships.view'
import { externalAsIs } from '../../schemas/external'
import { friendshipMethods, friendshipPath } from './friendships.shared'
import { requireOrg } from '../../hooks/require-org'
import { kickOutbox } from '../../hooks/kick-outbox'

export * from './friendships.class'
export * from './friendships.schema'

// A request to someone who had asked me is an acceptance (`patched`); an unblock that leaves the other's block
// standing changes the row (`patched`). A rejected request replaced by a new one is announced as removed first.
const announceOutcome = async (context: HookContext) => {
  const result = context.result as any
  if (!result) return
  // Emitted without the call's context: the replaced row is not this call's result (events.ts shapes it).
  if (result[REPLACED]) context.self.emit('removed', result[REPLACED])
  if (result[EVENT]) context.event = result[EVENT]
}

export const friendship = (app: Application) => {
  app.use(friendshipPath, new FriendshipService(getOptions(app)), {
    methods: [...friendshipMethods],
    events: []
  })

  // Removal answers with the shared row (the pair may be gone), everything else with the caller's view.
  const asMyView = schemaHooks.resolveResult(friendshipViewResolver)
  app.service(friendshipPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(externalAsIs)],
      find: [asMyView],
      get: [asMyView],
      create: [asMyView],
      patch: [asMyView]
    },
    before: {
      all: [requireOrg, schemaHooks.validateQuery(friendshipQueryValidator)],
      create: [normalizeText({ username: 'lower' }), schemaHooks.validateData(friendshipDataValidator)],
      patch: [schemaHooks.validateData(friendshipPatchValidator)]
    },
    after: {
      // Every change owes its notifications through the outbox (friendships.class.ts).
      create: [kickOutbox, announceOutcome],
      patch: [kickOutbox],
      remove: [kickOutbox, announceOutcome]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [friendshipPath]: FriendshipService
  }
}
