// reconnect: N clients (rooms of 20, plus one extra sender per room) connect and learn each room's last seq,
// drop their sockets, miss M messages per room, then all reconnect at once and catch up. Prints the time
// from the common reconnect instant until each client had every missed message, missing and duplicates.
// --catch-up=bulk (default) catches up with one paged catch-up.find; per-room with messages.find per room.
import type { Args } from '../lib/args'
import { connectUsers, hrIn, log, setup, sleep } from '../lib/harness'
import { mergeHistograms } from '../lib/histogram'
import type { MeterResult } from '../lib/procstat'
import type { CatchupReport } from '../lib/protocol'
import { errorsText, latencyLine, resourceRows } from '../lib/report'
import type { Row } from '../lib/report'
import { baseRecord } from './messaging'
import type { Context, Outcome } from './messaging'

export const reconnect = async (args: Args, ctx: Context): Promise<Outcome> => {
  const users = args.num('users', 1000)
  const roomSize = args.num('room-size', 20)
  const missed = args.num('missed', 100)
  const mode = args.str('catch-up', 'bulk')
  if (mode !== 'bulk' && mode !== 'per-room') throw new Error(`--catch-up is bulk or per-room, not '${mode}'`)
  // Messages per page: the bulk call pages across all rooms (up to 1,000), messages.find per room (up to 100).
  const page = args.num('page', mode === 'bulk' ? 500 : 50)
  const h = (ctx.h = await setup(args, { users, roomSize, sendersPerRoom: 1 }, users > 100 ? 2 : 1))
  const connect = await connectUsers(h, {
    transport: 'socketio',
    concurrency: 50,
    listen: true,
    initialSync: true
  })
  // Rooms changed after this instant are the ones to catch up (same machine clock as the server).
  const since = new Date(Date.now() - 1000).toISOString()
  const dropped = (await h.pool.all<{ dropped: number }>('drop', () => ({}), 60_000)).reduce(
    (sum, d) => sum + d.dropped,
    0
  )
  await sleep(1000)
  log(`dropped ${dropped} clients; ${h.seeded.rooms.length} senders send ${missed} messages each`)
  const bursts = await h.pool.all<{
    acked: number
    errors: Record<string, number>
    lastSeq: Record<string, number>
    ms: number
  }>('burst', () => ({ count: missed, bodySize: args.num('body-size', 80) }), 600_000)
  const lastSeq: Record<string, number> = {}
  for (const b of bursts)
    for (const [room, seq] of Object.entries(b.lastSeq)) lastSeq[room] = Math.max(lastSeq[room] ?? 0, seq)
  const burstAcked = bursts.reduce((sum, b) => sum + b.acked, 0)
  const burstErrors: Record<string, number> = {}
  for (const b of bursts)
    for (const [k, n] of Object.entries(b.errors)) burstErrors[k] = (burstErrors[k] ?? 0) + n
  const burstMs = Math.max(...bursts.map((b) => b.ms))
  log(`sent ${burstAcked} missed messages in ${burstMs} ms; all ${dropped} clients reconnect now`)

  const leadMs = 300
  const meter = h.meter()
  const startTimer = setTimeout(() => meter.start(), leadMs)
  const reports = await h.pool.all<CatchupReport>(
    'catchup',
    () => ({ startAt: hrIn(leadMs), since, lastSeq, page, mode }),
    300_000
  )
  clearTimeout(startTimer)
  const resources: MeterResult = meter.stop()

  const sum = (key: 'clients' | 'caughtUp' | 'missing' | 'duplicates' | 'pages') =>
    reports.reduce((s, r) => s + r[key], 0)
  const errors: Record<string, number> = {}
  for (const r of reports) for (const [k, n] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + n
  const caughtUpMs = mergeHistograms(reports.map((r) => r.caughtUpMs)).summary()
  const reauthMs = mergeHistograms(reports.map((r) => r.reauth)).summary()
  const clients = sum('clients')
  const results = {
    clients,
    missedPerRoom: missed,
    missedSent: burstAcked,
    missedSendErrors: burstErrors,
    missedSendMs: burstMs,
    caughtUp: sum('caughtUp'),
    notCaughtUp: clients - sum('caughtUp'),
    missing: sum('missing'),
    duplicates: sum('duplicates'),
    pages: sum('pages'),
    errors,
    allCaughtUpMs: caughtUpMs.max,
    caughtUpMs,
    reauthMs
  }
  const record = baseRecord(h, 'reconnect', { users, roomSize, missed, page, catchUp: mode })
  record.setup.connectMs = connect.ms
  record.results = results
  record.resources = resources
  record.verdict = {
    allCaughtUp: results.notCaughtUp === 0 && results.missing === 0 && results.duplicates === 0,
    within2s: (caughtUpMs.max ?? Infinity) <= 2000 && results.notCaughtUp === 0,
    fullScale: users >= 1000 && missed >= 100 ? true : 'scaled down'
  }
  const rows: Row[] = [
    [
      'missed messages',
      `${burstAcked} sent while away (${missed} per room, errors ${errorsText(burstErrors)}) in ${burstMs} ms`
    ],
    [
      'clients',
      `${clients} reconnected, ${results.caughtUp} caught up, missing ${results.missing}, duplicates ${results.duplicates}, errors ${errorsText(errors)}`
    ],
    [
      'pages',
      mode === 'bulk'
        ? `${results.pages} catch-up.find pages of up to ${page} (cursor paging)`
        : `${results.pages} messages.find pages of ${page} (has_more paging)`
    ],
    ['re-auth ms (from reconnect)', latencyLine(reauthMs)],
    ['caught-up ms (from reconnect)', latencyLine(caughtUpMs)],
    ['all caught up after', `${caughtUpMs.max ?? '-'} ms`],
    ...resourceRows(resources)
  ]
  const title = `reconnect | target ${h.target} | ${users} clients, rooms of ${roomSize}, ${missed} missed each, catch-up ${mode}`
  return { title, rows, record }
}
