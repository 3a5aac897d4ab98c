// Typed Feathers clients over both transports, so one suite can run over REST and over Socket.IO.
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import rest from '@feathersjs/rest-client'
import { createClient } from '../../src/client'
import type { ClientApplication } from '../../src/client'
import { sharedServer } from './server'

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

// The clients one suite opens, closed together after it (call inside a describe): `signedIn` connects an
// account (any value with an access token) over a transport, to the shared server unless a URL is given.
export const suiteClients = (defaultUrl: () => string = () => sharedServer().url) => {
  const open: TestClient[] = []
  after(() => open.splice(0).forEach((tc) => tc.close()))
  const track = async (url: string, transport: Transport, account: { accessToken: string }) => {
    const tc = await connect(url, transport)
    open.push(tc)
    await tc.client.authenticate({ strategy: 'jwt', accessToken: account.accessToken })
    return tc
  }
  return {
    // The whole TestClient (for its socket), on any server.
    track,
    // Just the typed client, on the default server.
    signedIn: async (account: { accessToken: string }, transport: Transport) =>
      (await track(defaultUrl(), transport, account)).client
  }
}
