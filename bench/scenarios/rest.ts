// rest: a fixed-rate REST mix through typed REST clients (each user logged in): history pages of a room
// with seeded history, sends, room lists. Prints p50/p95/p99/max per kind and overall.
import type { Args } from '../lib/args'
import { connectUsers, hrIn, log, setup } from '../lib/harness'
import { mergeHistograms } from '../lib/histogram'
import type { RestReport } from '../lib/protocol'
import { errorsText, latencyLine, resourceRows } from '../lib/report'
import type { Row } from '../lib/report'
import { baseRecord } from './messaging'
import type { Context, Outcome } from './messaging'

const parseMix = (text: string) => {
  const mix = { history: 60, send: 20, rooms: 20 }
  for (const part of text.split(',').filter(Boolean)) {
    const [kind, weight] = part.split('=')
    if (!(kind in mix)) throw new Error(`--mix: unknown kind '${kind}' (history, send, rooms)`)
    mix[kind as keyof typeof mix] = Number(weight)
  }
  return mix
}

export const rest = async (args: Args, ctx: Context): Promise<Outcome> => {
  const users = args.num('users', 100)
  const roomSize = args.num('room-size', 20)
  const rate = args.num('rate', 200)
  const duration = args.num('duration', 30)
  const history = args.num('history', 200)
  const page = args.num('page', 50)
  const mix = parseMix(args.str('mix', ''))
  const h = (ctx.h = await setup(args, { users, roomSize, history }, 1))
  const connect = await connectUsers(h, {
    transport: 'rest',
    concurrency: 20,
    listen: false,
    initialSync: false
  })
  const roomLastSeq = Object.fromEntries(h.seeded.rooms.map((r) => [r.id, r.lastSeq]))
  const workers = h.pool.workers.length
  log(`rest: ${rate} req/s for ${duration} s, mix ${JSON.stringify(mix)}`)
  const leadMs = 500
  const meter = h.meter()
  let stopped: ReturnType<typeof meter.stop> | null = null
  const startTimer = setTimeout(() => meter.start(), leadMs)
  const stopTimer = setTimeout(() => (stopped = meter.stop()), leadMs + duration * 1000)
  const reports = await h.pool.all<RestReport>(
    'rest',
    () => ({
      startAt: hrIn(leadMs),
      durationMs: duration * 1000,
      rate: rate / workers,
      mix,
      page,
      roomLastSeq,
      bodySize: args.num('body-size', 80),
      maxInflight: args.num('max-inflight', 200),
      timeoutMs: args.num('request-timeout', 10) * 1000
    }),
    duration * 1000 + 120_000
  )
  clearTimeout(startTimer)
  clearTimeout(stopTimer)
  const resources = stopped ?? meter.stop()
  const byKind: Record<string, unknown> = {}
  const rows: Row[] = []
  let ok = 0
  const errors: Record<string, number> = {}
  for (const kind of ['history', 'send', 'rooms']) {
    const latency = mergeHistograms(reports.map((r) => r.byKind[kind]?.latency)).summary()
    const kindErrors: Record<string, number> = {}
    for (const r of reports) {
      for (const [name, n] of Object.entries(r.byKind[kind]?.errors ?? {})) {
        kindErrors[name] = (kindErrors[name] ?? 0) + n
        errors[name] = (errors[name] ?? 0) + n
      }
    }
    const kindOk = reports.reduce((s, r) => s + (r.byKind[kind]?.ok ?? 0), 0)
    ok += kindOk
    byKind[kind] = { ok: kindOk, errors: kindErrors, latencyMs: latency }
    rows.push([`${kind} ms`, `${latencyLine(latency)}  errors ${errorsText(kindErrors)}`])
  }
  const overall = mergeHistograms(
    reports.flatMap((r) => Object.values(r.byKind).map((k) => k.latency))
  ).summary()
  const sent = reports.reduce((s, r) => s + r.sent, 0)
  const skipped = reports.reduce((s, r) => s + r.skipped, 0)
  const results = {
    sent,
    ok,
    errors,
    skipped,
    requestsPerS: Math.round((ok / duration) * 10) / 10,
    overallMs: overall,
    byKind
  }
  const record = baseRecord(h, 'rest', { users, roomSize, rate, duration, history, page, mix })
  record.setup.connectMs = connect.ms
  record.results = results
  record.resources = resources
  record.verdict = { noErrors: Object.keys(errors).length === 0 && skipped === 0 }
  rows.unshift(
    [
      'requests',
      `sent ${sent}  ok ${ok}  errors ${errorsText(errors)}  skipped ${skipped}  (${results.requestsPerS}/s ok)`
    ],
    ['all ms', latencyLine(overall)]
  )
  rows.push(...resourceRows(resources))
  return {
    title: `rest | target ${h.target} | ${rate} req/s for ${duration} s, ${users} users, history ${history}/room`,
    rows,
    record
  }
}
