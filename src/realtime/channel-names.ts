// The only place channel (Socket.IO room) names are spelled; everything else calls these helpers.
export const userChannel = (userId: string) => `users/${userId}`
export const orgChannel = (orgId: string) => `orgs/${orgId}`
export const roomChannel = (roomId: string) => `rooms/${roomId}`
export const sessionChannel = (sessionId: string) => `sessions/${sessionId}`
