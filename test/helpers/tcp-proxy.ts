// A TCP proxy the test can cut and restore, put between the app and PostgreSQL (or Redis) to inject a network
// fault: cut() drops every open connection and refuses new ones (the port stops listening), restore() listens
// on the same port again.
import net from 'node:net'

export interface TcpProxy {
  port: number
  // Connections opened through the proxy so far (for assertions that traffic went through it).
  opened: () => number
  cut: () => Promise<void>
  restore: () => Promise<void>
  close: () => Promise<void>
}

export const startTcpProxy = async (target: { host: string; port: number }): Promise<TcpProxy> => {
  const open = new Set<net.Socket>()
  let opened = 0
  const server = net.createServer((client) => {
    opened++
    const upstream = net.connect(target.port, target.host)
    open.add(client).add(upstream)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      open.delete(client)
      open.delete(upstream)
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
    client.pipe(upstream).pipe(client)
  })
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve((server.address() as net.AddressInfo).port)
      })
    })
  const port = await listen(0)
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve()
      server.close(() => resolve())
      for (const socket of open) socket.destroy()
      open.clear()
    })
  return {
    port,
    opened: () => opened,
    cut: stop,
    restore: async () => {
      if (!server.listening) await listen(port)
    },
    close: stop
  }
}
