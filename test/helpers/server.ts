// Starts real ChatBoard servers on loopback ports for tests: one shared, plus private ones with overrides.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../src/app'
import type { Application, Configuration } from '../../src/declarations'

export interface TestServer {
  app: Application
  url: string
  stop: () => Promise<void>
}

export const startServer = async (overrides: Partial<Configuration> = {}): Promise<TestServer> => {
  const database = { url: process.env.DATABASE_URL!, dataDir: './data/test-unused', poolMax: 10 }
  const app = createApp({ database, ...overrides })
  const server: Server = await app.listen(0, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      // Drop live sockets and keep-alive connections first, or closing the server waits for them. Only this
      // server's own: through the Redis adapter a plain disconnectSockets() would close every server's sockets.
      app.io?.local.disconnectSockets(true)
      server.closeAllConnections()
      await app.teardown()
    }
  }
}

let shared: TestServer | null = null

export const startSharedServer = async () => {
  shared = await startServer()
}

export const stopSharedServer = async () => {
  await shared?.stop()
  shared = null
}

export const sharedServer = (): TestServer => {
  if (!shared) throw new Error('shared test server not started (root hooks)')
  return shared
}
