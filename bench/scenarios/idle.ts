// idle: N authenticated, idle Socket.IO connections (one user each, in rooms of 20). Server RSS is measured
// before and after (each an average of 3 samples 500 ms apart, the "before" after a warm-up so first-use
// code and caches are not charged to connections); (after - before) / N is the memory per connection.
import type { Args } from '../lib/args'
import { connectUsers, log, setup, sleep } from '../lib/harness'
import { averageRssMb, readRss } from '../lib/procstat'
import { resourceRows } from '../lib/report'
import type { Row } from '../lib/report'
import { baseRecord } from './messaging'
import type { Context, Outcome } from './messaging'

export const idle = async (args: Args, ctx: Context): Promise<Outcome> => {
  const users = args.num('users', 1000)
  const roomSize = args.num('room-size', 20)
  const settle = args.num('duration', 10)
  const warm = Math.min(20, Math.max(1, Math.floor(users / 10)))
  const h = (ctx.h = await setup(args, { users, roomSize }, users > 500 ? 2 : 1))
  const pids = h.servers.map((s) => s.pid)
  // Warm-up: a few users connect, log in, list rooms and leave; then let the server settle.
  await connectUsers(
    h,
    { transport: 'socketio', concurrency: 10, listen: true, initialSync: true },
    (u) => u.idx < warm
  )
  await h.pool.all('close', () => ({}), 60_000)
  await sleep(2000)
  const beforeMb = await averageRssMb(pids)
  const meter = h.meter()
  meter.start()
  const connect = await connectUsers(h, {
    transport: 'socketio',
    concurrency: 50,
    listen: true,
    initialSync: false
  })
  log(`idle: ${connect.connected} connections open; settling ${settle} s`)
  await sleep(settle * 1000)
  const afterMb = await averageRssMb(pids)
  const resources = meter.stop()
  const perConnectionKb = Math.round((((afterMb - beforeMb) * 1024) / connect.connected) * 10) / 10
  const hwmMb = Math.round(pids.reduce((sum, pid) => sum + (readRss(pid)?.hwmKb ?? 0), 0) / 102.4) / 10
  const results = {
    connections: connect.connected,
    connectMs: connect.ms,
    rssBeforeMb: Math.round(beforeMb * 10) / 10,
    rssAfterMb: Math.round(afterMb * 10) / 10,
    rssPeakMb: hwmMb,
    perConnectionKb
  }
  const record = baseRecord(h, 'idle', { users, roomSize, settleSeconds: settle })
  record.results = results
  record.resources = resources
  record.verdict = {
    le20KbPerConnection: perConnectionKb <= 20,
    fullScale: users >= 1000 ? true : 'scaled down (noisy)'
  }
  const rows: Row[] = [
    ['connections', `${connect.connected} authenticated Socket.IO connections, opened in ${connect.ms} ms`],
    [
      'server rss (all servers)',
      `before ${results.rssBeforeMb} MB, after ${results.rssAfterMb} MB, peak ${hwmMb} MB`
    ],
    ['per connection', `${perConnectionKb} KB`],
    ...resourceRows(resources)
  ]
  return { title: `idle | target ${h.target} | ${users} connections, settle ${settle} s`, rows, record }
}
