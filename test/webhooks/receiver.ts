// A real HTTP webhook receiver on loopback for tests: records every request (raw body, headers), answers with
// the status of its current mode, can hold requests unanswered, and can go down and come back on its port.
import http from 'node:http'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  body: string
  json: any
  headers: IncomingHttpHeaders
}

export type Mode = { status: number } | 'hold'

export class Receiver {
  readonly received: Received[] = []
  readonly held: ServerResponse[] = []
  mode: Mode = { status: 200 }
  port = 0
  private server: http.Server | null = null

  get url() {
    return `http://127.0.0.1:${this.port}/hook`
  }

  async start() {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk) => chunks.push(chunk))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        this.received.push({ body, json: JSON.parse(body), headers: req.headers })
        if (this.mode === 'hold') {
          // Held until released, or until the sender gives up (its timeout closes the connection).
          this.held.push(res)
          res.once('close', () => this.held.includes(res) && this.held.splice(this.held.indexOf(res), 1))
        } else res.writeHead(this.mode.status).end('ok')
      })
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as AddressInfo).port
    this.server = server
    return this
  }

  // Down: nothing listens on the port (connections are refused) until start() again.
  async stop() {
    const server = this.server
    this.server = null
    this.release(503)
    if (!server) return
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }

  release(status = 200) {
    for (const res of this.held.splice(0)) if (!res.destroyed) res.writeHead(status).end()
  }

  ofType(type: string) {
    return this.received.filter((r) => r.json.type === type)
  }

  // Polls until `check` holds, or fails with what was received.
  async until(check: (received: Received[]) => boolean, timeoutMs = 15000, what = 'deliveries') {
    const deadline = Date.now() + timeoutMs
    while (!check(this.received)) {
      if (Date.now() > deadline)
        throw new Error(`${what} did not arrive in time (received ${this.received.length})`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
}

// Polls an async condition with a deadline (no fixed sleeps).
export const eventually = async <T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 15000,
  what = 'condition'
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`${what} not reached in time: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
