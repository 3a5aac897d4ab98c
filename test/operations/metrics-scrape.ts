// Shared by the metrics suites: the scrape token, a strict parser of the Prometheus text format, series
// lookup, and servers started with metrics settings (stopped after the suite).
import assert from 'node:assert/strict'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

export const TOKEN = 'metrics-test-token-0123456789'
export const auth = { authorization: `Bearer ${TOKEN}` }

export type Labels = Record<string, string>
export interface Sample {
  name: string
  labels: Labels
  value: number
}

// A small parser of the text format: every line is a comment (# HELP / # TYPE) or a sample; anything else
// fails the test. Each sample's metric family must have been declared by a # TYPE line before it.
// Values as Prometheus parses them (Go's ParseFloat): NaN and Inf in any letter case — prom-client prints `Nan`
// for the event-loop lag gauges before their first sample.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.e+-]+|[Nn][Aa][Nn]|[+-]?[Ii][Nn][Ff]))$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
export const parse = (text: string): Sample[] => {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      types.set(type[1], type[2])
      continue
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue
    const match = SAMPLE.exec(line)
    assert.ok(match, `not a Prometheus sample line: ${line}`)
    const [, name, rawLabels = '', value] = match
    const family = name.replace(/_(bucket|sum|count)$/, '')
    assert.ok(types.has(name) || types.has(family), `sample before its # TYPE: ${line}`)
    const labels: Labels = {}
    for (const [, key, val] of rawLabels.matchAll(LABEL)) labels[key] = val
    samples.push({
      name,
      labels,
      value: /nan/i.test(value)
        ? NaN
        : /inf/i.test(value)
          ? value.startsWith('-')
            ? -Infinity
            : Infinity
          : Number(value)
    })
  }
  return samples
}

const sameLabels = (a: Labels, b: Labels) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v)

// A series' value; 0 when it does not exist yet (a counter that was never incremented).
export const valueOf = (samples: Sample[], name: string, labels: Labels = {}) =>
  samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value ?? 0

// GET /metrics with the token: 200 in the text format's content type, parsed.
export const scrape = async (url: string) => {
  const res = await fetch(`${url}/metrics`, { headers: auth })
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return parse(await res.text())
}

// Private servers with metrics settings (and other overrides); call stopAll in the suite's after().
export const metricsServers = () => {
  const servers: TestServer[] = []
  const start = async (metrics: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const server = await startServer({ metrics, ...extra } as any)
    servers.push(server)
    return server
  }
  const stopAll = () => Promise.all(servers.map((s) => s.stop()))
  return { start, stopAll }
}
