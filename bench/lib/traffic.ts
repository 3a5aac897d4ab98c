// Coordinator side of message traffic: start a send schedule on every worker, measure the servers during
// the measured phase, wait for deliveries to drain, then account for every acknowledged message: each one
// is expected once at every other member of its room (all members are online in these scenarios).
import type { Harness } from './harness'
import { hrIn, sleep, unexpectedDisconnects } from './harness'
import { mergeHistograms } from './histogram'
import type { LatencySummary } from './histogram'
import type { MeterResult } from './procstat'
import type { PhaseCounts, PhaseReport, TrafficArgs } from './protocol'
import { startServerStats } from './server-stats'
import type { ServerStats } from './server-stats'

export interface TrafficResult {
  seconds: number
  sent: number
  acked: number
  errors: Record<string, number>
  skipped: number
  messagesPerS: number
  deliveries: {
    expected: number
    received: number
    lost: number
    duplicates: number
    unackedReceived: number
  }
  deliveriesPerS: number
  latencyMs: LatencySummary
  ackMs: LatencySummary
  drainMs: number
  generatorLoopDelayMs: { p99: number; max: number }
  // Worst delivery per second of the measured phase (by send time), and how many seconds had one over 50/100 ms.
  perSecond: { maxMs: number[]; over50: number; over100: number }
  serverStats: (ServerStats | null)[]
  disconnects: Record<string, number>
  resources: MeterResult
}

export interface TrafficPlan {
  warmupMs: number
  measureMs: number
  phase: string // name of the measured phase (letters/digits, no dots)
  senders: number[] | null
  perUserRate: number
}

const account = (h: Harness, reports: PhaseReport[]) => {
  const acked = new Map<string, Map<number, number>>()
  for (const r of reports) {
    for (const [room, seq, sender] of r.ackedSeqs) {
      let seqs = acked.get(room)
      if (!seqs) acked.set(room, (seqs = new Map()))
      seqs.set(seq, sender)
    }
  }
  let expected = 0
  for (const [room, seqs] of acked) expected += seqs.size * ((h.members.get(room)?.length ?? 1) - 1)
  let received = 0
  let unackedReceived = 0
  for (const r of reports) {
    for (const [, room, seqs] of r.received) {
      const ackedSeqs = acked.get(room)
      for (const seq of seqs) {
        if (ackedSeqs?.has(seq)) received++
        else unackedReceived++
      }
    }
  }
  const duplicates = reports.reduce((sum, r) => sum + r.duplicates, 0)
  return { expected, received, lost: expected - received, duplicates, unackedReceived }
}

// Polls the workers until every expected delivery arrived and no ack is pending, or `maxMs` passed.
const drain = async (h: Harness, phase: string, maxMs: number) => {
  const started = Date.now()
  for (;;) {
    const counts = await h.pool.all<PhaseCounts>('counts', () => ({ phase }), 30_000)
    let expected = 0
    const byRoom = new Map<string, number>()
    for (const c of counts)
      for (const [room, n] of Object.entries(c.ackedByRoom)) byRoom.set(room, (byRoom.get(room) ?? 0) + n)
    for (const [room, n] of byRoom) expected += n * ((h.members.get(room)?.length ?? 1) - 1)
    const received = counts.reduce((sum, c) => sum + c.received, 0)
    const inflight = counts.reduce((sum, c) => sum + c.inflight, 0)
    if ((received >= expected && inflight === 0) || Date.now() - started >= maxMs) return Date.now() - started
    await sleep(100)
  }
}

export const runTraffic = async (h: Harness, plan: TrafficPlan): Promise<TrafficResult> => {
  const { args } = h
  const phases = [
    ...(plan.warmupMs > 0 ? [{ name: 'w', ms: plan.warmupMs }] : []),
    { name: plan.phase, ms: plan.measureMs }
  ]
  const ackTimeoutMs = args.num('ack-timeout', 10) * 1000
  const leadMs = 500
  const traffic: Omit<TrafficArgs, 'senders'> & { senders: number[] | null } = {
    startAt: hrIn(leadMs),
    phases,
    senders: plan.senders,
    perUserRate: plan.perUserRate,
    bodySize: args.num('body-size', 80),
    maxInflight: args.num('max-inflight', 100),
    ackTimeoutMs
  }
  // The meter covers exactly the measured phase (warm-up excluded), by the coordinator's timers.
  const meter = h.meter()
  let resources: MeterResult | null = null
  const urls = h.servers.map((server) => server.url)
  let finishStats: ReturnType<typeof startServerStats> | null = null
  let serverStats: Promise<(ServerStats | null)[]> | null = null
  const startTimer = setTimeout(() => {
    meter.start()
    finishStats = startServerStats(urls)
  }, leadMs + plan.warmupMs)
  const stopTimer = setTimeout(
    () => {
      resources = meter.stop()
      serverStats = finishStats?.() ?? null
    },
    leadMs + plan.warmupMs + plan.measureMs
  )
  const total = leadMs + plan.warmupMs + plan.measureMs
  try {
    await h.pool.all('traffic', () => traffic, total + ackTimeoutMs + 60_000)
  } finally {
    clearTimeout(startTimer)
    clearTimeout(stopTimer)
  }
  if (!resources) resources = meter.stop()
  serverStats ??= finishStats ? (finishStats as ReturnType<typeof startServerStats>)() : null
  const drainMs = await drain(h, plan.phase, args.num('drain', 5) * 1000)
  if (plan.warmupMs > 0) await h.pool.all('report', () => ({ phase: 'w' }), 60_000)
  const reports = await h.pool.all<PhaseReport>('report', () => ({ phase: plan.phase }), 120_000)
  const seconds = plan.measureMs / 1000
  const deliveries = account(h, reports)
  const errors: Record<string, number> = {}
  for (const r of reports)
    for (const [name, n] of Object.entries(r.errors)) errors[name] = (errors[name] ?? 0) + n
  const sent = reports.reduce((sum, r) => sum + r.sent, 0)
  const acked = reports.reduce((sum, r) => sum + r.acked, 0)
  const secondMax = Array.from(
    { length: Math.ceil(seconds) },
    (_, i) => Math.round(Math.max(0, ...reports.map((r) => r.secondMaxMs[i] ?? 0)) * 10) / 10
  )
  return {
    seconds,
    sent,
    acked,
    errors,
    skipped: reports.reduce((sum, r) => sum + r.skipped, 0),
    messagesPerS: Math.round((acked / seconds) * 10) / 10,
    deliveries,
    deliveriesPerS: Math.round((deliveries.received / seconds) * 10) / 10,
    latencyMs: mergeHistograms(reports.map((r) => r.latency)).summary(),
    ackMs: mergeHistograms(reports.map((r) => r.ack)).summary(),
    drainMs,
    generatorLoopDelayMs: {
      p99: Math.round(Math.max(...reports.map((r) => r.loopDelayMs.p99)) * 10) / 10,
      max: Math.round(Math.max(...reports.map((r) => r.loopDelayMs.max)) * 10) / 10
    },
    perSecond: {
      maxMs: secondMax,
      over50: secondMax.filter((ms) => ms > 50).length,
      over100: secondMax.filter((ms) => ms > 100).length
    },
    serverStats: (await serverStats) ?? [],
    disconnects: await unexpectedDisconnects(h),
    resources
  }
}
