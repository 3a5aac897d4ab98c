// Moves all of a user's live connections, on every server process (through the adapter), in or out of channels.
import type { Application } from '../declarations'
import { orgChannel, userChannel } from './channel-names'

export const joinChannels = (app: Application, userId: string, channels: string[]) => {
  app.io?.in(userChannel(userId)).socketsJoin(channels)
}

export const leaveChannels = (app: Application, userId: string, channels: string[]) => {
  app.io?.in(userChannel(userId)).socketsLeave(channels)
}

export const joinOrg = (app: Application, userId: string, orgId: string) => joinChannels(app, userId, [orgChannel(orgId)])

export const leaveOrg = (app: Application, userId: string, orgId: string) => leaveChannels(app, userId, [orgChannel(orgId)])

// Suspension or ban ends every live connection of the user at once.
export const disconnectUser = (app: Application, userId: string) => {
  app.io?.in(userChannel(userId)).disconnectSockets(true)
}
