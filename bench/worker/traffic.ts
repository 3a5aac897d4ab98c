// Open-loop message traffic: senders call messages.create on a fixed schedule (not waiting for acks), every
// receiver times each `messages created` event against the send time embedded in client_msg_id.
//
// client_msg_id = `b.<phase>.<sender idx>.<n>.<send time>`; the send time is process.hrtime.bigint(), i.e.
// CLOCK_MONOTONIC in ns, one clock for every process of the machine, so worker A's send and worker B's
// receipt are comparable (load generators on another machine would need wall clocks instead).
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Histogram } from '../lib/histogram'
import type { PhaseCounts, PhaseReport, TrafficArgs } from '../lib/protocol'
import { clients, createdListeners, errorName, withTimeout } from './clients'
import type { BenchClient } from './clients'

interface PhaseStats {
  sent: number
  acked: number
  skipped: number
  errors: Map<string, number>
  ack: Histogram
  latency: Histogram
  duplicates: number
  ackedSeqs: [string, number, number][]
  ackedByRoom: Map<string, number>
  received: Map<number, Map<string, Set<number>>>
  receivedCount: number
  // The worst delivery latency per second of the phase, by send time (index 0 = the phase's first second).
  secondMax: number[]
  startNs: bigint
}

const phases = new Map<string, PhaseStats>()

// How late this worker's event loop ran: a busy generator delays receipts and inflates measured latency.
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()
export let strays = 0 // bench messages of a phase already reported or unknown

const newPhase = (): PhaseStats => ({
  sent: 0,
  acked: 0,
  skipped: 0,
  errors: new Map(),
  ack: new Histogram(),
  latency: new Histogram(),
  duplicates: 0,
  ackedSeqs: [],
  ackedByRoom: new Map(),
  received: new Map(),
  receivedCount: 0,
  secondMax: [],
  startNs: 0n
})

const msSince = (t: bigint, now = process.hrtime.bigint()) => Number(now - t) / 1e6

createdListeners.push((client, message, at) => {
  const id = message.client_msg_id
  if (typeof id !== 'string' || !id.startsWith('b.')) return
  const [, phase, sender, , sentAt] = id.split('.')
  // The sender's own devices get the event too; only other members count as deliveries.
  if (Number(sender) === client.user.idx) return
  const stats = phases.get(phase)
  if (!stats) {
    strays++
    return
  }
  let rooms = stats.received.get(client.user.idx)
  if (!rooms) stats.received.set(client.user.idx, (rooms = new Map()))
  let seqs = rooms.get(message.room_id)
  if (!seqs) rooms.set(message.room_id, (seqs = new Set()))
  if (seqs.has(message.seq)) {
    stats.duplicates++
    return
  }
  seqs.add(message.seq)
  stats.receivedCount++
  const sent = BigInt(sentAt)
  const ms = msSince(sent, at)
  stats.latency.record(ms)
  const second = Math.max(0, Math.floor(Number(sent - stats.startNs) / 1e9))
  if (!(stats.secondMax[second] >= ms)) stats.secondMax[second] = ms
})

let inflightTotal = 0

const send = (client: BenchClient, phase: string, args: TrafficArgs) => {
  const stats = phases.get(phase)!
  if (client.inflight >= args.maxInflight) {
    stats.skipped++
    return
  }
  const n = ++client.counter
  const room = client.user.rooms[n % client.user.rooms.length]
  const sentAt = process.hrtime.bigint()
  const body = `bench ${phase} ${client.user.idx} ${n} `.padEnd(args.bodySize, '.')
  const data = {
    room_id: room,
    body,
    client_msg_id: `b.${phase}.${client.user.idx}.${n}.${sentAt}`,
    client_sent_at: new Date().toISOString()
  }
  stats.sent++
  client.inflight++
  inflightTotal++
  withTimeout(client.app.service('messages').create(data), args.ackTimeoutMs, 'ack_timeout')
    .then((message) => {
      stats.acked++
      stats.ack.record(msSince(sentAt))
      stats.ackedSeqs.push([message.room_id, message.seq, client.user.idx])
      stats.ackedByRoom.set(message.room_id, (stats.ackedByRoom.get(message.room_id) ?? 0) + 1)
    })
    .catch((error) => {
      const name = errorName(error)
      stats.errors.set(name, (stats.errors.get(name) ?? 0) + 1)
    })
    .finally(() => {
      client.inflight--
      inflightTotal--
    })
}

// Resolves once every scheduled send went out and every ack arrived or timed out.
export const runTraffic = async (args: TrafficArgs) => {
  const ends: number[] = []
  let total = 0
  for (const phase of args.phases) {
    const stats = newPhase()
    stats.startNs = BigInt(args.startAt) + BigInt(Math.round(total * 1e6))
    phases.set(phase.name, stats)
    ends.push((total += phase.ms))
  }
  const phaseAt = (elapsed: number) => args.phases[ends.findIndex((end) => elapsed < end)]?.name
  const senders = clients.filter((c) => (args.senders ? args.senders.includes(c.user.idx) : !c.user.sender))
  const elapsedMs = () => Number(process.hrtime.bigint() - args.startAt) / 1e6
  const interval = 1000 / args.perUserRate
  await Promise.all(
    senders.map(
      (client) =>
        new Promise<void>((resolve) => {
          // A random phase per sender spreads the sends evenly over each interval.
          const offset = Math.random() * interval
          let k = 0
          const tick = () => {
            for (;;) {
              const due = offset + k * interval
              if (due >= total) return resolve()
              const wait = due - elapsedMs()
              if (wait > 1) {
                setTimeout(tick, wait)
                return
              }
              // Late sends (a busy event loop) go out at once, in the phase they were scheduled for.
              k++
              send(client, phaseAt(due)!, args)
            }
          }
          tick()
        })
    )
  )
  const deadline = Date.now() + args.ackTimeoutMs + 1000
  while (inflightTotal > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
}

export const phaseCounts = (phase: string): PhaseCounts => {
  const stats = phases.get(phase)
  return {
    ackedByRoom: Object.fromEntries(stats?.ackedByRoom ?? []),
    received: stats?.receivedCount ?? 0,
    inflight: inflightTotal
  }
}

// Hands the phase's raw results to the coordinator and forgets them (late arrivals become strays).
export const phaseReport = (phase: string): PhaseReport => {
  const stats = phases.get(phase) ?? newPhase()
  phases.delete(phase)
  const received: [number, string, number[]][] = []
  // The histogram counts from the 10 ms sampling timer: only the delay beyond it is lag.
  const beyond = (ns: number) => Math.max(0, ns / 1e6 - 10)
  const lag = { p99: beyond(loopDelay.percentile(99)), max: beyond(loopDelay.max) }
  loopDelay.reset()
  for (const [idx, rooms] of stats.received)
    for (const [room, seqs] of rooms) received.push([idx, room, [...seqs]])
  return {
    sent: stats.sent,
    acked: stats.acked,
    skipped: stats.skipped,
    errors: Object.fromEntries(stats.errors),
    ack: stats.ack.toData(),
    latency: stats.latency.toData(),
    duplicates: stats.duplicates,
    ackedSeqs: stats.ackedSeqs,
    received,
    loopDelayMs: lag,
    secondMaxMs: Array.from(stats.secondMax, (ms) => ms ?? 0)
  }
}
