// Moves all of a user's live connections, on every server process (through the adapter), in or out of channels.
import type { Application } from '../declarations'
import { orgChannel, sessionChannel, userChannel } from './channel-names'

// The Redis adapter applies a (non-local) join, leave or disconnect on its own process only when the request
// comes back through Redis, while a broadcast from this process goes out at once: the very next event could
// still reach a kicked user or miss an added one. So apply it here first, then on every process (the echo on
// this process is a no-op; Redis keeps it in order with broadcasts published after it).
type Target = ReturnType<NonNullable<Application['io']>['in']>

const everywhere = (app: Application, userId: string, change: (target: Target) => void) => {
  const io = app.io
  if (!io) return
  change(io.local.in(userChannel(userId)))
  change(io.in(userChannel(userId)))
}

export const joinChannels = (app: Application, userId: string, channels: string[]) =>
  everywhere(app, userId, (target) => target.socketsJoin(channels))

export const leaveChannels = (app: Application, userId: string, channels: string[]) =>
  everywhere(app, userId, (target) => target.socketsLeave(channels))

export const joinOrg = (app: Application, userId: string, orgId: string) =>
  joinChannels(app, userId, [orgChannel(orgId)])

export const leaveOrg = (app: Application, userId: string, orgId: string) =>
  leaveChannels(app, userId, [orgChannel(orgId)])

// Suspension or ban ends every live connection of the user at once.
export const disconnectUser = (app: Application, userId: string) =>
  everywhere(app, userId, (target) => target.disconnectSockets(true))

// A session ended (logout elsewhere, a re-used refresh token): its other live sockets are dropped at once,
// on every process. `exceptSocketId` spares the socket that asked, so its own logout answer still arrives.
export const disconnectSession = (app: Application, sessionId: string, exceptSocketId?: string) => {
  const io = app.io
  if (!io) return
  const local = io.local.in(sessionChannel(sessionId))
  const everywhere = io.in(sessionChannel(sessionId))
  if (exceptSocketId) {
    local.except(exceptSocketId).disconnectSockets(true)
    everywhere.except(exceptSocketId).disconnectSockets(true)
  } else {
    local.disconnectSockets(true)
    everywhere.disconnectSockets(true)
  }
}
