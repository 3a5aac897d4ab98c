// Slow consumers: a socket that stops reading must not grow the server's memory without bound (issue 9).
// Registered for every Socket.IO server; the bound and what happens past it are filled in by the slow-consumer work.
import type { Server } from 'socket.io'
import type { Application } from '../declarations'

export const watchBackpressure = (_app: Application) => (_io: Server) => {}
