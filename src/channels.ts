// Joins each authenticated socket to its user's, org's and rooms' channels before the login answer goes
// back (so no event can slip between "logged in" and "subscribed"), and clears them at logout.
import type { Application, HookContext } from './declarations'
import { orgChannel, roomChannel, userChannel } from './realtime/channel-names'
import { socketOf } from './realtime/sockets'
import { roomIdsOf } from './services/members/membership'

export const channels = (app: Application) => {
  app.service('authentication').hooks({
    after: {
      create: [
        async (context: HookContext) => {
          const socket = socketOf(context.params.connection)
          const user = (context.result as any)?.user
          if (!socket || !user) return
          const rooms = user.org_id ? await roomIdsOf(app.get('postgresqlClient'), user.id) : []
          socket.join([userChannel(user.id), ...(user.org_id ? [orgChannel(user.org_id)] : []), ...rooms.map(roomChannel)])
        }
      ]
    }
  })

  app.on('logout', (_authResult: any, { connection }: any) => {
    const socket = socketOf(connection)
    if (!socket) return
    for (const room of socket.rooms) if (room !== socket.id) socket.leave(room)
  })
}
