// User-search service: a read-only prefix search of my org's users for people pickers and adding friends.
// A service of its own rather than a `q` on users.find: its own rules (prefix, ranking, a small limit, no
// suspended users for non-ADMINs) and a lean result type for the typed client. No events.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { UserSearchService, getOptions } from './user-search.class'
import { userHitResolver, userSearchQueryValidator } from './user-search.schema'
import { userSearchMethods, userSearchPath } from './user-search.shared'

export * from './user-search.class'
export * from './user-search.schema'

export const userSearch = (app: Application) => {
  app.use(userSearchPath, new UserSearchService(getOptions(app)), {
    methods: [...userSearchMethods],
    events: []
  })

  app.service(userSearchPath).hooks({
    around: {
      find: [schemaHooks.resolveResult(userHitResolver)]
    },
    before: {
      find: [schemaHooks.validateQuery(userSearchQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [userSearchPath]: UserSearchService
  }
}
