// Rooms service: members of an org open DMs and create group rooms; room owners/admins rename and archive.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { EXISTING, RoomService } from './rooms.class'
import {
  roomDataValidator,
  roomExternalResolver,
  roomPatchValidator,
  roomQueryValidator,
  roomResolver
} from './rooms.schema'
import { roomMethods, roomPath } from './rooms.shared'
import { requireOrg } from '../../hooks/require-org'
import { authorizeRoom, roomPatchActions } from '../../hooks/authorize-room'

export * from './rooms.class'
export * from './rooms.schema'

// Re-opening an existing DM is not news to anyone.
const skipEventForExistingRoom = async (context: HookContext) => {
  if (context.result && (context.result as any)[EXISTING]) context.event = null
}

export const room = (app: Application) => {
  app.use(roomPath, new RoomService(app), { methods: [...roomMethods], events: [] })

  app.service(roomPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(roomExternalResolver), schemaHooks.resolveResult(roomResolver)]
    },
    before: {
      all: [requireOrg, schemaHooks.validateQuery(roomQueryValidator)],
      create: [normalizeText({ name: 'line', topic: 'line' }), schemaHooks.validateData(roomDataValidator)],
      patch: [
        normalizeText({ name: 'line', topic: 'line' }),
        schemaHooks.validateData(roomPatchValidator),
        authorizeRoom(roomPatchActions)
      ]
    },
    after: {
      create: [skipEventForExistingRoom]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [roomPath]: RoomService
  }
}
