// Members service: who is in a room. Every change reaches the room and the affected user's own devices.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { publish } from '../../realtime/publish'
import { roomChannel, userChannel } from '../../realtime/channel-names'
import { MemberService } from './members.class'
import { memberDataValidator, memberPatchValidator, memberQueryValidator } from './members.schema'
import { memberMethods, memberPath } from './members.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './members.class'
export * from './members.schema'

// Whether someone muted a room is their own business: other members' rows (and the events built from them)
// leave `muted` out.
const hideOthersMute = async (context: HookContext) => {
  const me = context.params.user?.id
  if (!context.params.provider || !me || !context.result) return
  const strip = (m: any) => {
    if (!m || m.user_id === me) return m
    const { muted, ...rest } = m
    void muted
    return rest
  }
  const result = context.result as any
  context.result = Array.isArray(result?.data) ? { ...result, data: result.data.map(strip) } : strip(result)
}

export const member = (app: Application) => {
  app.use(memberPath, new MemberService(app), { methods: [...memberMethods], events: [] })

  app.service(memberPath).hooks({
    before: {
      all: [requireOrg],
      find: [schemaHooks.validateQuery(memberQueryValidator)],
      create: [schemaHooks.validateData(memberDataValidator)],
      patch: [schemaHooks.validateData(memberPatchValidator)]
    },
    after: {
      all: [hideOthersMute]
    }
  })

  publish(app, memberPath, {
    created: (m) => [roomChannel(m.room_id), userChannel(m.user_id)],
    // A mute is the member's own business; role changes concern the room.
    patched: (m, context) =>
      (context.data as any)?.role !== undefined
        ? [roomChannel(m.room_id), userChannel(m.user_id)]
        : [userChannel(m.user_id)],
    removed: (m) => [roomChannel(m.room_id), userChannel(m.user_id)]
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [memberPath]: MemberService
  }
}
