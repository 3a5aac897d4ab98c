// Graceful shutdown on SIGTERM/SIGINT: stop taking work, let what is under way finish, hand the sockets to
// another process, stop jobs and the outbox, flush the logs, exit 0. All within shutdown.timeoutMs; past it
// the process exits 1 (a job cut off runs again elsewhere after its lock lifetime, an outbox row after its
// lease).
import type http from 'node:http'
import type { Application } from './declarations'
import { markDraining } from './middleware/health'
import { outboxOf } from './outbox'
import { logger } from './logger'

// Service calls under way (REST and Socket.IO), so the sockets close only once their answers went out.
export class InFlight {
  private count = 0
  private waiters: Array<() => void> = []

  hook = async (_context: unknown, next: () => Promise<void>) => {
    this.count++
    try {
      await next()
    } finally {
      if (--this.count === 0) this.waiters.splice(0).forEach((wake) => wake())
    }
  }

  get size() {
    return this.count
  }

  // Resolves true once nothing is in flight, false if the deadline (epoch ms) passed first.
  idle(deadline: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))
      this.waiters.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }
}

const bounded = <T>(promise: Promise<T>, deadline: number, fallback: T) => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<T>(
      (resolve) => (timer = setTimeout(() => resolve(fallback), Math.max(0, deadline - Date.now())))
    )
  ]).finally(() => clearTimeout(timer))
}

export const flushLogs = () =>
  new Promise<void>((resolve) => {
    try {
      logger.flush(() => resolve())
    } catch {
      resolve()
    }
  })

const timeoutOf = (app: Application): number =>
  (app.get('shutdown' as any) as { timeoutMs?: number } | undefined)?.timeoutMs ?? 20000

// Runs `stop` once on the first SIGTERM or SIGINT; a second signal exits at once (an impatient Ctrl-C).
export const onSignals = (stop: (signal: string) => Promise<number>) => {
  let stopping = false
  const handle = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(1)
    }
    stopping = true
    stop(signal)
      .catch((err) => {
        logger.error({ err }, 'shutdown failed')
        return 1
      })
      .then(async (code) => {
        await flushLogs()
        process.exit(code)
      })
  }
  process.on('SIGTERM', () => handle('SIGTERM'))
  process.on('SIGINT', () => handle('SIGINT'))
}

// Tracks calls from now on; call before the app serves anything.
export const trackInFlight = (app: Application) => {
  const inFlight = new InFlight()
  app.hooks({ around: { all: [inFlight.hook] } })
  return inFlight
}

// The web process: wires onSignals to the steps below.
export const gracefulShutdown = (app: Application, server: http.Server, inFlight: InFlight) => {
  onSignals(async (signal) => {
    const timeoutMs = timeoutOf(app)
    const deadline = Date.now() + timeoutMs
    const io = (app as any).io as import('socket.io').Server | undefined
    const sockets = () => [...(io?.of('/').sockets.values() ?? [])]
    logger.info({ signal, timeoutMs, sockets: sockets().length, inFlight: inFlight.size }, 'shutting down')

    // 1. Take no new work: readiness answers 503, the port stops listening, idle keep-alive connections close.
    markDraining(app)
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()))

    // 2. Let the calls under way answer, then close each socket's transport (its queued packets, the answers
    // among them, are flushed first). The client sees "transport close" and reconnects, reaching a process
    // that still listens. (A server-side disconnect() would tell it NOT to reconnect.)
    let finished = await inFlight.idle(deadline)
    for (const socket of sockets()) socket.conn.close()
    // Calls that arrived meanwhile, REST requests still answering, connections still open.
    finished = (await inFlight.idle(deadline)) && finished
    // Connections still open now carry no work (a peer that never completes the close handshake, say): a
    // few seconds for them to go, then they are cut; that is no reason to call the shutdown unfinished.
    server.closeIdleConnections()
    await bounded(httpClosed, Math.min(deadline, Date.now() + 5000), undefined)
    server.closeAllConnections()

    // 3. Hand this process's committed outbox rows on now rather than after their lease; then the teardown
    // hooks stop the job runtime (its running jobs get jobs.drainTimeoutMs), the outbox, Redis and the pool.
    await bounded(
      outboxOf(app)
        .drain()
        .then(() => true),
      deadline,
      false
    )
    // Koa's teardown closes the HTTP server once more; that it is closed already is what we want.
    const teardown = app.teardown().then(
      () => true,
      (error: any) => {
        if (error?.code === 'ERR_SERVER_NOT_RUNNING') return true
        throw error
      }
    )
    finished = (await bounded(teardown, deadline, false)) && finished
    logger.info({ signal, finished }, finished ? 'shut down' : 'shut down: timed out, work was cut off')
    return finished ? 0 : 1
  })
}
