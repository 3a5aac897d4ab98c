// Typed Feathers clients over both transports, so one suite can run over REST and over Socket.IO.
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import rest from '@feathersjs/rest-client'
import { createClient } from '../../src/client'
import type { ClientApplication } from '../../src/client'

export type Transport = 'rest' | 'socketio'
export const transports: Transport[] = ['rest', 'socketio']

export interface TestClient {
  client: ClientApplication
  transport: Transport
  socket?: Socket
  close: () => void
}

export const connect = async (url: string, transport: Transport): Promise<TestClient> => {
  if (transport === 'rest') {
    const client = createClient(rest(url).fetch(fetch))
    return { client, transport, close: () => undefined }
  }
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const client = createClient(socketio(socket))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return { client, transport, socket, close: () => socket.close() }
}

// Runs a describe block once per transport; `title` gets the transport appended.
export const forEachTransport = (title: string, body: (transport: Transport) => void) => {
  for (const transport of transports) describe(`${title} [${transport}]`, () => body(transport))
}
