// Message scenarios: steady (every user 1 message/s in rooms of 20), ramp (raise the total rate step by step
// until p99 > 100 ms or anything is lost), bigroom (one sender fanning out to a 1,000-member room).
import type { Args } from '../lib/args'
import { connectUsers, log, setup } from '../lib/harness'
import type { Harness } from '../lib/harness'
import { latencyLine, resourceRows, trafficRows } from '../lib/report'
import type { Row, RunRecord } from '../lib/report'
import { runTraffic } from '../lib/traffic'
import type { TrafficResult } from '../lib/traffic'

export interface Context {
  h: Harness | null
}

export interface Outcome {
  title: string
  rows: Row[]
  record: RunRecord
}

export const baseRecord = (h: Harness, scenario: string, params: Record<string, unknown>): RunRecord => ({
  bench: 'chatboard',
  scenario,
  target: h.target,
  server: h.args.str('server', 'chatboard'),
  servers: h.servers.length,
  workers: h.pool.workers.length,
  at: new Date().toISOString(),
  params,
  setup: { seededUsers: h.seeded.users.length, rooms: h.seeded.rooms.length, seedMs: h.seedMs },
  results: {},
  resources: null,
  verdict: {}
})

const clean = (t: TrafficResult) => t.deliveries.lost === 0 && t.acked === t.sent && t.skipped === 0

const connectSockets = (h: Harness) =>
  connectUsers(h, { transport: 'socketio', concurrency: 50, listen: true, initialSync: false })

const traffic = (t: TrafficResult) => {
  const { resources, ...rest } = t
  void resources
  return rest
}

export const steady = async (args: Args, ctx: Context): Promise<Outcome> => {
  const users = args.num('users', 500)
  const roomSize = args.num('room-size', 20)
  const rate = args.num('rate', 1)
  const duration = args.num('duration', 60)
  const warmup = args.num('warmup', 5)
  const h = (ctx.h = await setup(args, { users, roomSize }, users > 100 ? 2 : 1))
  const connect = await connectSockets(h)
  log(`steady: ${users} users x ${rate} msg/s for ${warmup} s warm-up + ${duration} s`)
  const t = await runTraffic(h, {
    warmupMs: warmup * 1000,
    measureMs: duration * 1000,
    phase: 'm',
    senders: null,
    perUserRate: rate
  })
  const record = baseRecord(h, 'steady', { users, roomSize, ratePerUser: rate, duration, warmup })
  record.setup.connectMs = connect.ms
  record.results = traffic(t)
  record.resources = t.resources
  record.verdict = {
    nothingLost: clean(t),
    p50le5ms: (t.latencyMs.p50 ?? Infinity) <= 5,
    p99le25ms: (t.latencyMs.p99 ?? Infinity) <= 25,
    fullScale: users >= 500 && rate >= 1 && duration >= 60 ? true : 'scaled down'
  }
  const title = `steady | target ${h.label} | ${users} users, rooms of ${roomSize}, ${rate} msg/s each, ${duration} s`
  return { title, rows: [...trafficRows(t), ...resourceRows(t.resources)], record }
}

export const bigroom = async (args: Args, ctx: Context): Promise<Outcome> => {
  const users = args.num('users', 1000)
  const rate = args.num('rate', 10)
  const duration = args.num('duration', 30)
  const warmup = args.num('warmup', 3)
  const h = (ctx.h = await setup(args, { users, roomSize: users }, users > 100 ? 2 : 1))
  const connect = await connectSockets(h)
  log(`bigroom: 1 sender x ${rate} msg/s into a room of ${users} for ${warmup} s warm-up + ${duration} s`)
  const t = await runTraffic(h, {
    warmupMs: warmup * 1000,
    measureMs: duration * 1000,
    phase: 'm',
    senders: [0],
    perUserRate: rate
  })
  const record = baseRecord(h, 'bigroom', { members: users, senderRate: rate, duration, warmup })
  record.setup.connectMs = connect.ms
  record.results = traffic(t)
  record.resources = t.resources
  record.verdict = {
    nothingLost: clean(t),
    p99le35ms: (t.latencyMs.p99 ?? Infinity) <= 35,
    fullScale: users >= 1000 ? true : 'scaled down'
  }
  const title = `bigroom | target ${h.label} | 1 room of ${users}, 1 sender at ${rate} msg/s, ${duration} s`
  return { title, rows: [...trafficRows(t), ...resourceRows(t.resources)], record }
}

const rampRates = (args: Args) => {
  if (args.has('rates'))
    return args
      .str('rates', '')
      .split(',')
      .map(Number)
      .filter((r) => r > 0)
  const rates: number[] = []
  const factor = args.num('factor', 1.25)
  const max = args.num('max-rate', 5000)
  for (let r = args.num('rate', 250); r <= max && rates.length < 30; r = Math.round(r * factor)) rates.push(r)
  return rates
}

export const ramp = async (args: Args, ctx: Context): Promise<Outcome> => {
  const users = args.num('users', 500)
  const roomSize = args.num('room-size', 20)
  const step = args.num('duration', 10)
  const warmup = args.num('warmup', 3)
  const p99Limit = args.num('p99-limit', 100)
  const rates = rampRates(args)
  const h = (ctx.h = await setup(args, { users, roomSize }, users > 100 ? 2 : 1))
  await connectSockets(h)
  log(
    `ramp: ${users} users, steps of ${step} s at ${rates.join(', ')} msg/s until p99 > ${p99Limit} ms or a loss`
  )
  const steps: Record<string, unknown>[] = []
  const rows: Row[] = []
  let best: { rate: number; t: TrafficResult } | null = null
  for (const [i, rate] of rates.entries()) {
    const t = await runTraffic(h, {
      warmupMs: i === 0 ? warmup * 1000 : 0,
      measureMs: step * 1000,
      phase: `r${i}`,
      senders: null,
      perUserRate: rate / users
    })
    const reasons: string[] = []
    if ((t.latencyMs.p99 ?? Infinity) > p99Limit) reasons.push(`p99 ${t.latencyMs.p99} ms`)
    if (t.deliveries.lost > 0) reasons.push(`lost ${t.deliveries.lost}`)
    if (t.acked < t.sent) reasons.push(`unacked ${t.sent - t.acked}`)
    if (t.skipped > 0) reasons.push(`skipped ${t.skipped} (too many in flight)`)
    if (t.messagesPerS < rate * 0.95) reasons.push(`only ${t.messagesPerS}/s acked`)
    const ok = reasons.length === 0
    const r = t.resources
    const line =
      `${t.messagesPerS}/s acked, ${t.deliveriesPerS} deliveries/s, ${latencyLine(t.latencyMs)}, lost ${t.deliveries.lost}, ` +
      `cpu server ${r.serverCpuPct}%${r.postgres ? ` pg ${r.postgres.cpuPct}%` : ''} bench ${r.bench.cpuPct}% ` +
      `other ${r.machine.otherPct}% -> ${ok ? 'held' : `FAILED (${reasons.join(', ')})`}`
    log(`ramp step ${i} at ${rate} msg/s: ${line}`)
    rows.push([`step ${i}: ${rate} msg/s`, line])
    steps.push({ targetRate: rate, held: ok, reasons, ...traffic(t), resources: r })
    if (!ok) break
    best = { rate, t }
  }
  const record = baseRecord(h, 'ramp', { users, roomSize, stepSeconds: step, rates, p99Limit })
  record.results = {
    highestHeldTargetRate: best?.rate ?? null,
    highestHeldMessagesPerS: best?.t.messagesPerS ?? null,
    highestHeldDeliveriesPerS: best?.t.deliveriesPerS ?? null,
    steps
  }
  record.resources = best?.t.resources ?? null
  record.verdict = { ge1250msgPerS: (best?.t.messagesPerS ?? 0) >= 1250 }
  rows.push([
    'highest sustained',
    best
      ? `${best.t.messagesPerS} msg/s, ${best.t.deliveriesPerS} deliveries/s (step target ${best.rate}/s), ${latencyLine(best.t.latencyMs)}`
      : 'no step held'
  ])
  if (best) rows.push(...resourceRows(best.t.resources).map(([k, v]): Row => [`at best step: ${k}`, v]))
  const title = `ramp | target ${h.label} | ${users} users, rooms of ${roomSize}, steps of ${step} s`
  return { title, rows, record }
}
