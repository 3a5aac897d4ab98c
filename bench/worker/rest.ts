// REST mix, worker side: typed clients over @feathersjs/rest-client fire requests at a fixed rate (open loop:
// the schedule does not wait for answers) and time each one: history pages, sends, room lists.
import { Histogram } from '../lib/histogram'
import type { RestArgs, RestReport } from '../lib/protocol'
import { clients, errorName, withTimeout } from './clients'
import type { BenchClient } from './clients'

type Kind = 'history' | 'send' | 'rooms'

const pick = (mix: RestArgs['mix']): Kind => {
  const total = mix.history + mix.send + mix.rooms
  let r = Math.random() * total
  if ((r -= mix.history) < 0) return 'history'
  if ((r -= mix.send) < 0) return 'send'
  return 'rooms'
}

const request = (client: BenchClient, kind: Kind, args: RestArgs): Promise<unknown> => {
  const room = client.user.rooms[0]
  if (kind === 'rooms') return client.app.service('rooms').find({ query: { $limit: 25 } })
  if (kind === 'send') {
    const n = ++client.counter
    return client.app.service('messages').create({
      room_id: room,
      body: `rest ${client.user.idx} ${n} `.padEnd(args.bodySize, '.'),
      client_msg_id: `r.${client.user.idx}.${n}.${process.hrtime.bigint()}`
    })
  }
  // A random page of the room's history (the newest page when the history is short).
  const last = args.roomLastSeq[room] ?? 0
  const before = last > args.page ? args.page + 1 + Math.floor(Math.random() * (last - args.page)) : undefined
  return client.app
    .service('messages')
    .find({ query: { room_id: room, limit: args.page, ...(before ? { before } : {}) } })
}

export const runRest = async (args: RestArgs): Promise<RestReport> => {
  const byKind = new Map<Kind, { ok: number; errors: Map<string, number>; latency: Histogram }>()
  for (const kind of ['history', 'send', 'rooms'] as Kind[])
    byKind.set(kind, { ok: 0, errors: new Map(), latency: new Histogram() })
  let sent = 0
  let skipped = 0
  let inflight = 0
  const users = clients.filter((c) => !c.user.sender)
  const elapsedMs = () => Number(process.hrtime.bigint() - args.startAt) / 1e6
  const interval = 1000 / args.rate
  const pending: Promise<void>[] = []
  await new Promise<void>((resolve) => {
    let k = 0
    const tick = () => {
      for (;;) {
        const due = k * interval
        if (due >= args.durationMs) return resolve()
        const wait = due - elapsedMs()
        if (wait > 1) {
          setTimeout(tick, wait)
          return
        }
        k++
        if (inflight >= args.maxInflight || users.length === 0) {
          skipped++
          continue
        }
        const client = users[Math.floor(Math.random() * users.length)]
        const kind = pick(args.mix)
        const stats = byKind.get(kind)!
        const started = process.hrtime.bigint()
        sent++
        inflight++
        pending.push(
          withTimeout(request(client, kind, args), args.timeoutMs, 'request_timeout')
            .then(() => {
              stats.ok++
              stats.latency.record(Number(process.hrtime.bigint() - started) / 1e6)
            })
            .catch((error) => {
              const name = errorName(error)
              stats.errors.set(name, (stats.errors.get(name) ?? 0) + 1)
            })
            .finally(() => {
              inflight--
            })
        )
      }
    }
    tick()
  })
  await Promise.all(pending)
  return {
    sent,
    skipped,
    byKind: Object.fromEntries(
      [...byKind].map(([kind, s]) => [
        kind,
        { ok: s.ok, errors: Object.fromEntries(s.errors), latency: s.latency.toData() }
      ])
    )
  }
}
