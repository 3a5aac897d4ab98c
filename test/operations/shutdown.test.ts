// Graceful shutdown: SIGTERM to one of two server processes (sharing PostgreSQL and Redis) while every client
// sends over its socket. Clients reach the servers through a TCP proxy that, like a load balancer, sends each
// new connection to a process that accepts it. The stopped process answers what it took, closes the socket
// transports (clients see "transport close" and reconnect, to the other process), and exits 0; every
// acknowledged message is stored and every client sends again afterwards.
import assert from 'node:assert/strict'
import net from 'node:net'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../../src/client'
import type { ClientApplication } from '../../src/client'
import { startProcesses, stopProcesses } from '../helpers/processes'
import type { ServerProcess } from '../helpers/processes'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { sharedServer } from '../helpers/server'
import { eventually, socketSend, startLoad } from '../faults/load'

// Each new connection goes to the next target in turn that accepts it (a refused connect tries the next one).
const startBalancer = async (ports: number[]) => {
  const open = new Map<net.Socket, number>()
  let turn = 0
  const connectAny = (client: net.Socket, tries: number) => {
    const port = ports[turn++ % ports.length]
    const upstream = net.connect(port, '127.0.0.1')
    upstream.once('connect', () => {
      open.set(upstream, port)
      client.pipe(upstream).pipe(client)
      upstream.on('close', () => {
        open.delete(upstream)
        client.destroy()
      })
      client.on('close', () => upstream.destroy())
    })
    upstream.once('error', () => {
      if (open.has(upstream)) return upstream.destroy()
      if (tries > 1) connectAny(client, tries - 1)
      else client.destroy()
    })
  }
  const server = net.createServer((client) => {
    client.on('error', () => client.destroy())
    connectAny(client, ports.length)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    // Open connections per target port.
    openTo: (port: number) => [...open.values()].filter((p) => p === port).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open.keys()) socket.destroy()
        server.close(() => resolve())
      })
  }
}

interface Device {
  account: Account
  client: ClientApplication
  socket: Socket
  disconnects: string[]
  reconnects: number
}

describe('operations: graceful shutdown of one of two processes under load', function () {
  this.timeout(90000)
  let servers: ServerProcess[] = []
  let balancer: Awaited<ReturnType<typeof startBalancer>> | undefined
  const devices: Device[] = []

  before(async function () {
    this.timeout(150000)
    servers = await startProcesses(2, {
      env: { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '15000' },
      readyTimeoutMs: 120000
    })
    balancer = await startBalancer(servers.map((s) => s.port))
  })
  after(async () => {
    devices.splice(0).forEach((d) => d.socket.close())
    await balancer?.close()
    await stopProcesses(servers)
  })
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      for (const p of servers) console.error(`--- process ${p.url} output:\n${p.output()}`)
  })

  it('loses no acknowledged message, and every client reconnects to the other process', async () => {
    const [A, B] = servers
    const setupUrl = sharedServer().url
    const { admin } = await createOrg(setupUrl)
    const members = [admin]
    for (let i = 0; i < 7; i++) members.push(await addMember(setupUrl, admin))
    const room = await api(
      setupUrl,
      'POST',
      '/rooms',
      { name: 'Shutdown', member_ids: members.slice(1).map((m) => m.id) },
      bearer(admin.accessToken)
    )
    assert.equal(room.status, 201)
    const roomId = room.body.id

    // Real Socket.IO clients with their default reconnection (quicker delays), through the balancer.
    for (const account of members) {
      const socket = io(balancer!.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200
      })
      const client = createClient(socketio(socket, { timeout: 3000 }))
      const device: Device = { account, client, socket, disconnects: [], reconnects: 0 }
      socket.on('disconnect', (reason) => device.disconnects.push(reason))
      socket.io.on('reconnect', () => device.reconnects++)
      await client.authenticate({ strategy: 'jwt', accessToken: account.accessToken })
      devices.push(device)
    }
    const onA = balancer!.openTo(A.port)
    assert.ok(onA >= 3 && balancer!.openTo(B.port) >= 3, `clients spread over both: A ${onA}`)

    const byId = new Map(devices.map((d) => [d.account.id, d]))
    const load = startLoad(
      socketSend((sender) => byId.get(sender.id)!.client, roomId),
      members,
      { paceMs: 100, maxPerSender: 600, timeoutMs: 5000 }
    )
    await load.until((a) => a.status === 201, 40)

    const exited = new Promise<number | null>((resolve) => A.child.once('exit', (code) => resolve(code)))
    A.child.kill('SIGTERM')
    const code = await exited
    const stoppedAt = Date.now()
    assert.equal(code, 0, `exit code of the stopped process\n${A.output()}`)
    assert.match(A.output(), /"msg":"shut down"/)

    // Every client that was on A lost its transport (not a server-side disconnect, which would keep it away)
    // and came back; all connections now go to B.
    const moved = devices.filter((d) => d.disconnects.length > 0)
    assert.equal(moved.length, onA, 'clients of the stopped process that saw a disconnect')
    for (const d of moved) assert.deepEqual(d.disconnects, ['transport close'])
    await eventually(async () => moved.every((d) => d.reconnects === 1 && d.socket.connected), 15000)
    assert.equal(balancer!.openTo(A.port), 0)
    assert.equal(balancer!.openTo(B.port), devices.length)

    // Each client sends again (re-authenticated by the client on reconnect) and is answered by B.
    await eventually(async () => {
      const after = new Set(
        load.answers.filter((a) => a.startedAt > stoppedAt && a.status === 201).map((a) => a.sender)
      )
      return members.every((m) => after.has(m.id))
    }, 15000)
    await load.stop()

    const db = sharedServer().app.get('postgresqlClient')
    const stored = new Set(
      (await db('messages').where({ room_id: roomId }).select('id')).map((m: { id: string }) => m.id)
    )
    const acked = load.acked()
    const lost = acked.filter((m) => !stored.has(m.id))
    const refused = load.answers.filter((a) => a.status !== 201).length
    console.log(
      `shutdown: clients=${devices.length} moved=${moved.length} sends=${load.answers.length} ` +
        `acked=${acked.length} unanswered=${refused} lost=${lost.length}`
    )
    assert.ok(acked.length > 0)
    assert.equal(lost.length, 0, 'acknowledged messages not stored')
    void B
  })
})
