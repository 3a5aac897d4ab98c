// Output of a run: a human-readable block on stdout, then one `BENCH_JSON {...}` line (also appended to
// --json-out FILE when given) so RESULTS.md can be filled from the JSON later.
import fs from 'node:fs'
import os from 'node:os'
import type { LatencySummary } from './histogram'
import type { MeterResult } from './procstat'
import type { TrafficResult } from './traffic'
import { serverStatsRows } from './server-stats'

export type Row = [string, string]

const fmt = (value: number | null | undefined) =>
  value === null || value === undefined ? '-' : String(value)

export const latencyLine = (s: LatencySummary) =>
  `p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)}  (n=${s.count})`

export const errorsText = (errors: Record<string, number>) => {
  const entries = Object.entries(errors)
  return entries.length ? entries.map(([name, n]) => `${name}=${n}`).join(' ') : '0'
}

export const resourceRows = (r: MeterResult): Row[] => {
  const rows: Row[] = r.servers.map((s, i) => [
    `server ${i} (pid ${s.pid})`,
    `cpu ${s.cpuPct}%  rss ${s.rssStartMb} -> ${s.rssEndMb} MB (max ${s.rssMaxMb})  syscalls read ${s.syscalls.reads} write ${s.syscalls.writes}`
  ])
  if (r.postgres)
    rows.push([
      'postgres',
      `cpu ${r.postgres.cpuPct}% all postgres processes (bench db backends ${r.postgres.benchBackendsCpuPct}%)`
    ])
  else rows.push(['postgres', 'embedded PGlite: inside the server process'])
  if (r.redisCpuPct !== null) rows.push(['redis', `cpu ${r.redisCpuPct}%`])
  rows.push([
    'bench (load generator)',
    `cpu ${r.bench.cpuPct}% (workers ${r.bench.workersCpuPct}%, coordinator ${r.bench.coordinatorCpuPct}%)`
  ])
  rows.push([
    'machine',
    `busy ${r.machine.busyPct}%, of which other processes ${r.machine.otherPct}%; load average ${r.machine.loadavg1}` +
      (r.machine.otherPct > 20 ? '  << NOT A QUIET MACHINE: figures are not representative' : '')
  ])
  rows.push([
    'measured window',
    // The model too: machines of the same kind have differed by 20-60% in CPU per message between sessions.
    `${r.seconds} s; cpu % of one core, ${os.cpus().length} cores = ${os.cpus().length * 100}% (${os.cpus()[0]?.model ?? 'unknown cpu'})`
  ])
  return rows
}

export const trafficRows = (t: TrafficResult): Row[] => [
  [
    'messages',
    `sent ${t.sent}  acked ${t.acked}  errors ${errorsText(t.errors)}  skipped ${t.skipped}  (${t.messagesPerS}/s acked)`
  ],
  [
    'deliveries',
    `expected ${t.deliveries.expected}  received ${t.deliveries.received}  lost ${t.deliveries.lost}  duplicates ${t.deliveries.duplicates}` +
      `  unacked-received ${t.deliveries.unackedReceived}  (${t.deliveriesPerS}/s)`
  ],
  ['latency ms (send->receipt)', latencyLine(t.latencyMs)],
  ['ack ms (send->ack)', latencyLine(t.ackMs)],
  [
    'per-second max ms',
    `worst ${Math.max(0, ...t.perSecond.maxMs)}; seconds over 50 ms: ${t.perSecond.over50}, over 100 ms: ` +
      `${t.perSecond.over100} (of ${t.perSecond.maxMs.length})`
  ],
  ...serverStatsRows(t.serverStats),
  ['drain', `${t.drainMs} ms after the last send`],
  ['unexpected disconnects', errorsText(t.disconnects)],
  [
    'generator event-loop delay',
    `p99 ${t.generatorLoopDelayMs.p99} ms, max ${t.generatorLoopDelayMs.max} ms (worst worker; high = figures include generator lag)`
  ]
]

export interface RunRecord {
  bench: 'chatboard'
  scenario: string
  target: string
  server?: string // bench/floor-server.ts when `floor` or `peer`
  servers: number
  workers: number
  at: string
  params: Record<string, unknown>
  setup: Record<string, unknown>
  results: Record<string, unknown>
  resources: MeterResult | null
  verdict: Record<string, boolean | string>
}

export const printRun = (title: string, rows: Row[], record: RunRecord, jsonOut: string) => {
  const width = Math.max(...rows.map(([label]) => label.length))
  const lines = [`== ${title}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)]
  const verdict = Object.entries(record.verdict)
  if (verdict.length)
    lines.push(
      `  ${'targets'.padEnd(width)}  ${verdict.map(([k, v]) => `${k}: ${v === true ? 'met' : v === false ? 'NOT met' : v}`).join('; ')}`
    )
  console.log(lines.join('\n'))
  const json = JSON.stringify(record)
  console.log(`BENCH_JSON ${json}`)
  if (jsonOut) fs.appendFileSync(jsonOut, `${json}\n`)
}
