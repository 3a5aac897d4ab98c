// Load-generator worker process, forked by the coordinator (bench/lib/pool.ts): holds a share of the bench
// users as real clients and runs what the coordinator asks over IPC, answering { id, ok, result | error }.
import { closeAll, clients, connectAll, disconnects } from './worker/clients'
import { phaseCounts, phaseReport, runTraffic, strays } from './worker/traffic'
import { catchUp, dropReceivers, sendBurst } from './worker/catchup'
import { runRest } from './worker/rest'

let unhandled = 0
// A socket closed without logout leaves the typed client's automatic re-authentication pending; count
// anything unexpected instead of dying in the middle of a run.
process.on('unhandledRejection', () => {
  unhandled++
})

const handlers: Record<string, (args: any) => unknown> = {
  ping: () => ({ pid: process.pid }),
  connect: (args) => connectAll(args),
  traffic: (args) => runTraffic(args),
  counts: (args) => phaseCounts(args.phase),
  report: (args) => phaseReport(args.phase),
  drop: () => dropReceivers(),
  burst: (args) => sendBurst(args),
  catchup: (args) => catchUp(args),
  rest: (args) => runRest(args),
  status: () => ({ clients: clients.length, strays, unhandled, disconnects }),
  // Closes every client but keeps the worker (idle scenario warm-up).
  close: () => {
    closeAll()
    return { unhandled, strays }
  },
  exit: () => {
    closeAll()
    return { unhandled, strays }
  }
}

process.on('message', async (msg: any) => {
  const handler = handlers[msg?.cmd]
  try {
    if (!handler) throw new Error(`unknown command '${msg?.cmd}'`)
    const result = await handler(msg.args)
    process.send!({ id: msg.id, ok: true, result })
    if (msg.cmd === 'exit') setTimeout(() => process.exit(0), 100)
  } catch (error: any) {
    process.send!({ id: msg.id, ok: false, error: error?.stack ?? String(error) })
  }
})

// The coordinator went away (finished, crashed or was killed): never linger.
process.on('disconnect', () => process.exit(0))
