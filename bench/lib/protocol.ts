// Shapes exchanged between the coordinator (bench/run.ts) and the worker processes (bench/worker.ts).
import type { HistogramData } from './histogram'

export interface WorkerUser {
  idx: number
  email: string
  password: string
  rooms: string[]
  url: string
  sender: boolean
}

export interface ConnectArgs {
  users: WorkerUser[]
  transport: 'socketio' | 'rest'
  concurrency: number
  listen: boolean // subscribe to `messages created` and account deliveries
  initialSync: boolean // rooms.find once after login to learn each room's last_seq
}

export interface ConnectResult {
  connected: number
  failed: number
  errors: string[]
  ms: number
}

// One send schedule: every listed sender sends `perUserRate` messages/s from `startAt` (process.hrtime,
// CLOCK_MONOTONIC, shared by all processes of the machine) through consecutive named phases.
export interface TrafficArgs {
  startAt: bigint
  phases: { name: string; ms: number }[]
  senders: number[] | null // user idx; null = every non-sender-only user of the worker
  perUserRate: number
  bodySize: number
  maxInflight: number
  ackTimeoutMs: number
}

export interface PhaseCounts {
  ackedByRoom: Record<string, number>
  received: number
  inflight: number
}

export interface PhaseReport {
  sent: number
  acked: number
  skipped: number
  errors: Record<string, number>
  ack: HistogramData
  latency: HistogramData
  duplicates: number
  // [room, seq, sender idx] of every acknowledged send
  ackedSeqs: [string, number, number][]
  // [receiver idx, room, seqs received from others]
  received: [number, string, number[]][]
  // event-loop delay of the worker since its previous report, beyond the 10 ms sampling interval
  loopDelayMs: { p99: number; max: number }
  // worst delivery latency per second of the phase, by send time
  secondMaxMs: number[]
}

export interface CatchupArgs {
  startAt: bigint
  since: string // ISO time before the drop: rooms updated after it are caught up
  lastSeq: Record<string, number> // each room's last acked seq: what "caught up" means
  page: number
  // `bulk`: catch-up.find with every room's last seq as `since`, paged by cursor; `per-room`: rooms.find
  // then messages.find per room (the recipe before the catch-up service).
  mode: 'bulk' | 'per-room'
}

export interface CatchupReport {
  clients: number
  caughtUp: number
  missing: number
  duplicates: number
  pages: number
  errors: Record<string, number>
  reauth: HistogramData
  caughtUpMs: HistogramData
}

export interface RestArgs {
  startAt: bigint
  durationMs: number
  rate: number // requests/s for this worker
  mix: Record<'history' | 'send' | 'rooms', number>
  page: number
  roomLastSeq: Record<string, number>
  bodySize: number
  maxInflight: number
  timeoutMs: number
}

export interface RestReport {
  sent: number
  skipped: number
  byKind: Record<string, { ok: number; errors: Record<string, number>; latency: HistogramData }>
}
