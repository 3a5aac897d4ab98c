// idle: authenticated, idle Socket.IO connections (one user each, in rooms of 20), opened in steps (by default
// 1,000 at a time up to 5,000). Before each RSS sample the servers run full garbage collections (through their
// inspector), so a sample is live memory; the memory per connection is the slope from the first step to the
// last, which leaves out what the first connections warm up (caches, compiled code).
import type { Args } from '../lib/args'
import { connectUsers, log, setup, sleep } from '../lib/harness'
import { forceGc } from '../lib/inspector'
import { averageRssMb, readRss } from '../lib/procstat'
import { resourceRows } from '../lib/report'
import type { Row } from '../lib/report'
import { baseRecord } from './messaging'
import type { Context, Outcome } from './messaging'

const round1 = (n: number) => Math.round(n * 10) / 10

export const idle = async (args: Args, ctx: Context): Promise<Outcome> => {
  const users = args.num('users', 5000)
  const roomSize = args.num('room-size', 20)
  const settle = args.num('duration', 5)
  const stepSize = args.num('step', users >= 2000 ? 1000 : users)
  const h = (ctx.h = await setup(args, { users, roomSize }, users > 500 ? 2 : 1))
  const pids = h.servers.map((s) => s.pid)
  // RSS at start: the servers as they are once ready (no collection forced: they run their own at start).
  await sleep(1000)
  const startMb = await averageRssMb(pids)
  const sample = async () => {
    for (const server of h.servers) await forceGc(server.inspectPort!)
    return averageRssMb(pids)
  }
  const meter = h.meter()
  meter.start()
  const steps: { connections: number; rssMb: number }[] = []
  let connected = 0
  let connectMs = 0
  for (let upTo = Math.min(stepSize, users); connected < users; upTo = Math.min(upTo + stepSize, users)) {
    const from = connected
    const step = await connectUsers(
      h,
      { transport: 'socketio', concurrency: 10, listen: true, initialSync: false },
      (u) => u.idx >= from && u.idx < upTo
    )
    connected += step.connected
    connectMs += step.ms
    await sleep(settle * 1000)
    const rssMb = await sample()
    steps.push({ connections: connected, rssMb: round1(rssMb) })
    log(`idle: ${connected} connections, RSS after full GC ${round1(rssMb)} MB`)
  }
  const resources = meter.stop()
  const first = steps[0]
  const last = steps[steps.length - 1]
  const perConnectionKb =
    last.connections > first.connections
      ? round1(((last.rssMb - first.rssMb) * 1024) / (last.connections - first.connections))
      : null
  const hwmMb = round1(pids.reduce((sum, pid) => sum + (readRss(pid)?.hwmKb ?? 0), 0) / 1024)
  const results = {
    connections: connected,
    connectMs,
    rssStartMb: round1(startMb),
    steps,
    rssPeakMb: hwmMb,
    perConnectionKb
  }
  const record = baseRecord(h, 'idle', { users, roomSize, settleSeconds: settle, step: stepSize })
  record.results = results
  record.resources = resources
  record.verdict = {
    le20KbPerConnection: perConnectionKb === null ? 'one step only' : perConnectionKb <= 20,
    le150MbAtStart: startMb / h.servers.length <= 150
  }
  const rows: Row[] = [
    ['connections', `${connected} authenticated Socket.IO connections, opened in ${connectMs} ms`],
    ['server rss at start', `${results.rssStartMb} MB (all servers, once ready)`],
    ['rss after full GC', steps.map((s) => `${s.connections}: ${s.rssMb} MB`).join(', ')],
    [
      'per connection',
      perConnectionKb === null
        ? 'needs two steps (--step below --users)'
        : `${perConnectionKb} KB (from ${first.connections} to ${last.connections} connections)`
    ],
    ['rss peak', `${hwmMb} MB`],
    ...resourceRows(resources)
  ]
  return { title: `idle | target ${h.target} | ${users} connections in steps of ${stepSize}`, rows, record }
}
