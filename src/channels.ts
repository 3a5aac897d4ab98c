// Joins each authenticated socket to its user's, org's and rooms' channels before the login answer goes
// back (so no event can slip between "logged in" and "subscribed"), and clears them at logout. The same
// moments drive presence: a logged-in socket is an online connection until it logs out or disconnects.
import type { Application, HookContext } from './declarations'
import { logger } from './logger'
import { orgChannel, roomChannel, sessionChannel, userChannel } from './realtime/channel-names'
import { presenceOf, restConnection } from './realtime/presence'
import { socketOf } from './realtime/sockets'
import { roomIdsOf } from './services/members/membership'
import { publishServiceEvents } from './realtime/service-events'
import { takeRooms } from './auth/login-rooms'

export const channels = (app: Application) => {
  // Every service event goes out through the one publisher, routed by the event catalogue.
  publishServiceEvents(app)

  app.service('authentication').hooks({
    after: {
      create: [
        async (context: HookContext) => {
          const socket = socketOf(context.params.connection)
          const user = (context.result as any)?.user
          if (!socket || !user) return
          const sid: string | undefined = (context.result as any)?.authentication?.payload?.sid
          // Logging in as someone else on the same socket: nothing of the previous user may keep arriving.
          if (socket.data.userId && socket.data.userId !== user.id) {
            for (const room of socket.rooms) if (room !== socket.id) socket.leave(room)
          }
          socket.data.userId = user.id
          const rooms = user.org_id
            ? (takeRooms(context.params.connection, user.id) ??
              (await roomIdsOf(app.get('postgresqlClient'), user.id)))
            : []
          socket.join([
            userChannel(user.id),
            // The session's channel lets a revoked session (logout, refresh-token re-use) drop its sockets.
            ...(sid ? [sessionChannel(sid)] : []),
            ...(user.org_id ? [orgChannel(user.org_id)] : []),
            ...rooms.map(roomChannel)
          ])
          // Not awaited: a slow or absent Redis must not hold up logging in.
          presenceOf(app)
            .connect(socket.id, user.id, user.org_id ?? null)
            .catch((error) => logger.error({ err: error }, 'presence connect failed'))
        }
      ]
    }
  })

  app.on('logout', (authResult: any, { connection }: any) => {
    const presence = presenceOf(app)
    // Logging out also ends the session's REST heartbeats, if it sent any.
    const sid = authResult?.authentication?.payload?.sid
    const userId = authResult?.user?.id
    if (sid && userId) presence.leave(userId, [restConnection(sid)])
    const socket = socketOf(connection)
    if (!socket) return
    presence.disconnect(socket.id)
    delete socket.data.userId
    for (const room of socket.rooms) if (room !== socket.id) socket.leave(room)
  })

  app.on('disconnect', (connection: any) => {
    const socket = socketOf(connection)
    // A closed socket, unlike a logout, may be back in a moment: presence waits out the grace period.
    if (socket) presenceOf(app).disconnect(socket.id, { grace: true })
  })
}
