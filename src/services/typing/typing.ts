// Typing service: room members announce typing to the room's channel; only other members of the room hear it.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { THROTTLED, TypingService } from './typing.class'
import { typingDataValidator } from './typing.schema'
import { typingMethods, typingPath } from './typing.shared'
import { externalAsIs } from '../../schemas/external'
import { requireOrg } from '../../hooks/require-org'
import { authorizeRoom } from '../../hooks/authorize-room'

export * from './typing.class'
export * from './typing.schema'

// Typed here moments ago (and authorized then): answered from memory, before any query.
const answerRecent = async (context: HookContext) => {
  const answer = (context.self as TypingService).recentAnswer(context.data, context.params)
  if (answer) context.result = answer
}

// A call dropped by the throttle answers normally but announces nothing.
const skipThrottledEvent = async (context: HookContext) => {
  if (context.result && (context.result as any)[THROTTLED]) context.event = null
}

export const typing = (app: Application) => {
  app.use(typingPath, new TypingService(app), { methods: [...typingMethods], events: [] })

  app.service(typingPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(externalAsIs)]
    },
    before: {
      create: [
        requireOrg,
        schemaHooks.validateData(typingDataValidator),
        answerRecent,
        authorizeRoom('typing')
      ]
    },
    after: {
      create: [skipThrottledEvent]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [typingPath]: TypingService
  }
}
