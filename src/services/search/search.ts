// Search service: full-text search of the messages in my rooms (find only, no events). REST and Socket.IO alike;
// API keys with messages:read search as their bot (auth/scopes.ts).
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { requireOrg } from '../../hooks/require-org'
import { SearchService } from './search.class'
import { searchQueryValidator } from './search.schema'
import { searchMethods, searchPath } from './search.shared'

export * from './search.class'
export * from './search.schema'

export const search = (app: Application) => {
  app.use(searchPath, new SearchService(app), { methods: [...searchMethods], events: [] })

  app.service(searchPath).hooks({
    before: {
      find: [requireOrg, schemaHooks.validateQuery(searchQueryValidator)]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [searchPath]: SearchService
  }
}
