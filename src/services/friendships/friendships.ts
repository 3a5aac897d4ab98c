// Friendships service: every change is announced to the devices of both users of the pair and nobody else.
// Hook point for notifications: `friendships created` with status 'pending' is a new friend request (notify
// the addressee); `friendships patched` with status 'accepted' is an accepted one (notify the requester).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { publish } from '../../realtime/publish'
import { userChannel } from '../../realtime/channel-names'
import { EVENT, FriendshipService, REPLACED, getOptions } from './friendships.class'
import {
  friendshipDataValidator,
  friendshipPatchValidator,
  friendshipQueryValidator
} from './friendships.schema'
import { friendshipViewResolver, sharedFriendshipFields } from './friendships.view'
import { friendshipMethods, friendshipPath } from './friendships.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './friendships.class'
export * from './friendships.schema'

// A request to someone who had asked me is an acceptance (`patched`); an unblock that leaves the other's block
// standing changes the row (`patched`). A rejected request replaced by a new one is announced as removed first.
const announceOutcome = async (context: HookContext) => {
  const result = context.result as any
  if (!result) return
  if (result[REPLACED]) context.self.emit('removed', result[REPLACED], context)
  if (result[EVENT]) context.event = result[EVENT]
}

const bothUsers = (friendship: { requester_id: string; addressee_id: string }) => [
  userChannel(friendship.requester_id),
  userChannel(friendship.addressee_id)
]

export const friendship = (app: Application) => {
  app.use(friendshipPath, new FriendshipService(getOptions(app)), {
    methods: [...friendshipMethods],
    events: []
  })

  // Removal answers with the shared row (the pair may be gone), everything else with the caller's view.
  const asMyView = schemaHooks.resolveResult(friendshipViewResolver)
  app.service(friendshipPath).hooks({
    around: {
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
      create: [announceOutcome],
      remove: [announceOutcome]
    }
  })

  // Events carry the shared row only: presence, DM preview and unread count are each caller's own.
  publish(
    app,
    friendshipPath,
    { created: bothUsers, patched: bothUsers, removed: bothUsers },
    sharedFriendshipFields
  )
}

declare module '../../declarations' {
  interface ServiceTypes {
    [friendshipPath]: FriendshipService
  }
}
