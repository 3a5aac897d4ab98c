// Joins each authenticated socket to its user's and org's channels at login and clears them at logout.
// Services publish through realtime/publish.ts; nothing is sent to a channel no service names.
import type { Application } from './declarations'
import { orgChannel, userChannel } from './realtime/channel-names'
import { socketOf } from './realtime/sockets'

export const channels = (app: Application) => {
  app.on('login', (authResult: any, { connection }: any) => {
    const socket = socketOf(connection)
    const user = authResult.user
    if (!socket || !user) return
    socket.join([userChannel(user.id), ...(user.org_id ? [orgChannel(user.org_id)] : [])])
  })

  app.on('logout', (_authResult: any, { connection }: any) => {
    const socket = socketOf(connection)
    if (!socket) return
    for (const room of socket.rooms) if (room !== socket.id) socket.leave(room)
  })
}
