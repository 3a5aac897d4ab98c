// Latency histogram kept to 3 significant digits (microsecond buckets), cheap to record and mergeable across
// worker processes: a worker sends its buckets, the coordinator merges them and reads percentiles.

export interface HistogramData {
  buckets: [number, number][]
  count: number
  sum: number
  max: number
}

export interface LatencySummary {
  count: number
  mean: number | null
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

// 0..999 µs exact; above, keep three significant digits (bucket lower bound, error < 1%).
const bucketOf = (us: number) => {
  let scale = 1
  while (us >= 1000) {
    us = Math.floor(us / 10)
    scale *= 10
  }
  return us * scale
}

const round = (ms: number) => Math.round(ms * 100) / 100

export class Histogram {
  private buckets = new Map<number, number>()
  count = 0
  sum = 0
  max = 0

  // Records one value in milliseconds.
  record(ms: number) {
    const us = Math.max(0, Math.round(ms * 1000))
    const key = bucketOf(us)
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1)
    this.count++
    this.sum += ms
    if (ms > this.max) this.max = ms
  }

  merge(data: HistogramData | undefined) {
    if (!data) return this
    for (const [key, n] of data.buckets) this.buckets.set(key, (this.buckets.get(key) ?? 0) + n)
    this.count += data.count
    this.sum += data.sum
    if (data.max > this.max) this.max = data.max
    return this
  }

  toData(): HistogramData {
    return { buckets: [...this.buckets.entries()], count: this.count, sum: this.sum, max: this.max }
  }

  // The smallest bucket value at or above the p-th percentile of recorded values, in milliseconds.
  percentile(p: number): number | null {
    if (this.count === 0) return null
    const rank = Math.max(1, Math.ceil((p / 100) * this.count))
    const keys = [...this.buckets.keys()].sort((a, b) => a - b)
    let seen = 0
    for (const key of keys) {
      seen += this.buckets.get(key)!
      if (seen >= rank) return key / 1000
    }
    return this.max
  }

  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null }
    return {
      count: this.count,
      mean: round(this.sum / this.count),
      p50: round(this.percentile(50)!),
      p95: round(this.percentile(95)!),
      p99: round(this.percentile(99)!),
      max: round(this.max)
    }
  }
}

export const mergeHistograms = (list: (HistogramData | undefined)[]) => {
  const h = new Histogram()
  for (const data of list) h.merge(data)
  return h
}
