// What each server says about itself over a measured window, read from its own /metrics (prom-client) at the
// window's start and end: event-loop delay (prom-client resets it at every scrape, so the end scrape covers
// the window; its 10 ms sampling timer is subtracted, as in the workers), GC pauses and database-pool waits
// (histograms: end minus start).
import { BENCH_METRICS_TOKEN } from './servers'

type Series = Map<string, number> // `name{labels}` -> value

export interface ServerStats {
  loopDelayMs: { p50: number; p99: number; max: number }
  gc: { pauses: number; totalMs: number; longestMsAtMost: number | null; over10ms: number }
  poolWait: { acquires: number; meanMs: number; p99MsAtMost: number | null; over10ms: number }
  // messages.create over Socket.IO, hooks included, as the server timed it (buckets of 1, 5, 10, 25, 50 ms...)
  sendCall: { calls: number; meanMs: number; p50MsAtMost: number | null; p99MsAtMost: number | null }
}

export const scrape = async (url: string): Promise<Series> => {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` }
  })
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}`)
  const series: Series = new Map()
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    series.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return series
}

const round = (n: number) => Math.round(n * 100) / 100

// A histogram's change between two scrapes, all label sets summed: [upper bound s, count] cumulative.
const histogramDelta = (start: Series, end: Series, name: string, labels: string[] = []) => {
  const byLe = new Map<number, number>()
  let count = 0
  let sum = 0
  for (const [key, value] of end) {
    if (!labels.every((label) => key.includes(label))) continue
    const before = start.get(key) ?? 0
    if (key.startsWith(`${name}_bucket{`)) {
      const le = /le="([^"]+)"/.exec(key)?.[1]
      const bound = le === '+Inf' ? Infinity : Number(le)
      byLe.set(bound, (byLe.get(bound) ?? 0) + value - before)
    } else if (key === `${name}_count` || key.startsWith(`${name}_count{`)) count += value - before
    else if (key === `${name}_sum` || key.startsWith(`${name}_sum{`)) sum += value - before
  }
  const buckets = [...byLe].sort((a, b) => a[0] - b[0])
  // The smallest bound holding a share q of the observations (null: none observed).
  const atMost = (q: number) => {
    if (count <= 0) return null
    const bucket = buckets.find(([, n]) => n >= q * count)
    return bucket ? bucket[0] : null
  }
  const over = (bound: number) => count - (buckets.find(([le]) => le >= bound)?.[1] ?? count)
  return { count, sum, atMost, over }
}

const ms = (s: number | null) => (s === null ? null : s === Infinity ? Infinity : round(s * 1000))

// prom-client samples with a 10 ms timer (its default precision): only the delay beyond it is lag.
const SAMPLING_MS = 10
const lag = (end: Series, stat: string) =>
  round(Math.max(0, (end.get(`nodejs_eventloop_lag_${stat}_seconds`) ?? 0) * 1000 - SAMPLING_MS))

export const windowStats = (start: Series, end: Series): ServerStats => {
  const gc = histogramDelta(start, end, 'nodejs_gc_duration_seconds')
  const pool = histogramDelta(start, end, 'db_pool_acquire_wait_seconds')
  const send = histogramDelta(start, end, 'service_call_duration_seconds', [
    'service="messages"',
    'method="create"',
    'transport="socketio"',
    'outcome="ok"'
  ])
  return {
    loopDelayMs: {
      p50: lag(end, 'p50'),
      p99: lag(end, 'p99'),
      max: lag(end, 'max')
    },
    gc: {
      pauses: gc.count,
      totalMs: round(gc.sum * 1000),
      longestMsAtMost: ms(gc.atMost(1)),
      over10ms: gc.over(0.01)
    },
    poolWait: {
      acquires: pool.count,
      meanMs: pool.count > 0 ? round((pool.sum / pool.count) * 1000) : 0,
      p99MsAtMost: ms(pool.atMost(0.99)),
      over10ms: pool.over(0.01)
    },
    sendCall: {
      calls: send.count,
      meanMs: send.count > 0 ? round((send.sum / send.count) * 1000) : 0,
      p50MsAtMost: ms(send.atMost(0.5)),
      p99MsAtMost: ms(send.atMost(0.99))
    }
  }
}

// Scrapes every server now; `finish()` scrapes again and returns each server's window.
export const startServerStats = (urls: string[]) => {
  const first = Promise.all(urls.map((url) => scrape(url).catch(() => null)))
  return async (): Promise<(ServerStats | null)[]> => {
    const starts = await first
    const ends = await Promise.all(urls.map((url) => scrape(url).catch(() => null)))
    return ends.map((end, i) => (end && starts[i] ? windowStats(starts[i]!, end) : null))
  }
}

export const serverStatsRows = (stats: (ServerStats | null)[]): [string, string][] =>
  stats.map((s, i) => [
    `server ${i} self-report`,
    s
      ? `loop delay p50 ${s.loopDelayMs.p50} p99 ${s.loopDelayMs.p99} max ${s.loopDelayMs.max} ms; ` +
        `GC ${s.gc.pauses} pauses ${s.gc.totalMs} ms, longest <= ${s.gc.longestMsAtMost} ms, ${s.gc.over10ms} over 10 ms; ` +
        `pool wait mean ${s.poolWait.meanMs} ms, p99 <= ${s.poolWait.p99MsAtMost} ms, ${s.poolWait.over10ms} of ${s.poolWait.acquires} over 10 ms; ` +
        `send call mean ${s.sendCall.meanMs} ms, p50 <= ${s.sendCall.p50MsAtMost}, p99 <= ${s.sendCall.p99MsAtMost} ms`
      : '/metrics not readable'
  ])
