// CPU and memory of processes from /proc (Linux): the spawned servers, PostgreSQL, Redis and the bench itself.
// CPU is reported as % of ONE core over the measured window (a 2-core machine has 200% in total).
import fs from 'node:fs'
import { execFileSync } from 'node:child_process'

let clkTck = 100
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
} catch {
  // getconf missing: 100 is the Linux default
}

export interface CpuTicks {
  self: number // utime + stime of the process (all its threads)
  children: number // cutime + cstime: CPU of children it has reaped (the postmaster reaps exited backends)
}

export const readTicks = (pid: number): CpuTicks | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state); utime is field 14 -> index 11, stime 12, cutime 13, cstime 14.
    return {
      self: Number(fields[11]) + Number(fields[12]),
      children: Number(fields[13]) + Number(fields[14])
    }
  } catch {
    return null
  }
}

export interface Rss {
  rssKb: number
  hwmKb: number
}

// Numbers of a `name: value` file of /proc (status, io), or null when the process is gone.
const procFields = (file: string, names: string[]): number[] | null => {
  try {
    const text = fs.readFileSync(file, 'utf8')
    return names.map((name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0))
  } catch {
    return null
  }
}

export const readRss = (pid: number): Rss | null => {
  const [rssKb, hwmKb] = procFields(`/proc/${pid}/status`, ['VmRSS', 'VmHWM']) ?? []
  return rssKb === undefined ? null : { rssKb, hwmKb }
}

// Read and write system calls the process made so far (/proc/<pid>/io, all threads): a write per socket per
// flush is most of the kernel's share of a send, so fewer writes for the same traffic is a saving we can count
// exactly, where CPU % moves with whatever else the machine does.
export interface Syscalls {
  reads: number
  writes: number
}

export const readSyscalls = (pid: number): Syscalls | null => {
  const [reads, writes] = procFields(`/proc/${pid}/io`, ['syscr', 'syscw']) ?? []
  return reads === undefined ? null : { reads, writes }
}

// Processes whose executable name (/proc/<pid>/comm) is exactly `name`, like `pgrep -x name`. `pgrep -f
// postgres` would also match unrelated command lines (e.g. `npm install @agendajs/postgres-backend`).
export const pidsByComm = (name: string): number[] => {
  const pids: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return pids
}

export const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
  } catch {
    return ''
  }
}

// Sum over every process called `name`, including the CPU of reaped children: a backend that exits during
// the window has its whole lifetime moved into the postmaster's cutime/cstime, so (sum at end - sum at start)
// is exactly the CPU the group used in the window, exited and newly started backends included.
const groupTicks = (name: string) => {
  let total = 0
  for (const pid of pidsByComm(name)) {
    const t = readTicks(pid)
    if (t) total += t.self + t.children
  }
  return total
}

// PostgreSQL backends serving one database (their process title names it); live ones only.
const backendTicks = (dbName: string) => {
  const byPid = new Map<number, number>()
  for (const pid of pidsByComm('postgres')) {
    if (!cmdline(pid).includes(` ${dbName} `)) continue
    const t = readTicks(pid)
    if (t) byPid.set(pid, t.self)
  }
  return byPid
}

// All CPUs together from /proc/stat: busy = everything but idle and iowait.
const machineTicks = () => {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = values.reduce((a, b) => a + b, 0)
  return { busy: total - values[3] - values[4] }
}

export interface ProcessUsage {
  pid: number
  cpuPct: number
  rssStartMb: number
  rssEndMb: number
  rssMaxMb: number
  // System calls in the window (read/recv and write/writev/send; /proc/<pid>/io counts both kinds).
  syscalls: Syscalls
}

export interface MeterResult {
  seconds: number
  servers: ProcessUsage[]
  serverCpuPct: number
  postgres: { cpuPct: number; benchBackendsCpuPct: number } | null
  redisCpuPct: number | null
  bench: { cpuPct: number; coordinatorCpuPct: number; workersCpuPct: number }
  // The whole machine, to tell a quiet run from a noisy one: busy % of one core (cores x 100% at most),
  // the part of it used by none of the processes above, and the 1-minute load average at the end.
  machine: { busyPct: number; otherPct: number; loadavg1: number }
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10
const pct = (ticks: number, seconds: number) => Math.round((ticks / clkTck / seconds) * 1000) / 10

// Measures a window: call start(), run the load, call stop(). RSS of the servers is sampled every 500 ms.
export class Meter {
  private startedAt = 0
  private start0 = new Map<number, number>()
  private rssStart = new Map<number, number>()
  private rssMax = new Map<number, number>()
  private syscalls0 = new Map<number, Syscalls>()
  private pg0 = 0
  private pgBackends0 = new Map<number, number>()
  private redis0 = 0
  private machine0 = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    private serverPids: number[],
    private workerPids: number[],
    private opts: { postgres: boolean; redis: boolean; dbName: string }
  ) {}

  private allPids() {
    return [...this.serverPids, ...this.workerPids, process.pid]
  }

  start() {
    for (const pid of this.allPids()) this.start0.set(pid, readTicks(pid)?.self ?? 0)
    for (const pid of this.serverPids) {
      const rss = readRss(pid)?.rssKb ?? 0
      this.rssStart.set(pid, rss)
      this.rssMax.set(pid, rss)
      this.syscalls0.set(pid, readSyscalls(pid) ?? { reads: 0, writes: 0 })
    }
    if (this.opts.postgres) {
      this.pg0 = groupTicks('postgres')
      this.pgBackends0 = backendTicks(this.opts.dbName)
    }
    if (this.opts.redis) this.redis0 = groupTicks('redis-server')
    this.machine0 = machineTicks().busy
    this.timer = setInterval(() => this.sample(), 500)
    this.timer.unref()
    this.startedAt = performance.now()
  }

  private sample() {
    for (const pid of this.serverPids) {
      const rss = readRss(pid)?.rssKb ?? 0
      if (rss > (this.rssMax.get(pid) ?? 0)) this.rssMax.set(pid, rss)
    }
  }

  stop(): MeterResult {
    const seconds = (performance.now() - this.startedAt) / 1000
    if (this.timer) clearInterval(this.timer)
    this.sample()
    const used = (pid: number) => Math.max(0, (readTicks(pid)?.self ?? 0) - (this.start0.get(pid) ?? 0))
    const servers = this.serverPids.map((pid) => {
      // A server gone by now (crashed) counts nothing rather than minus its start.
      const calls0 = this.syscalls0.get(pid) ?? { reads: 0, writes: 0 }
      const calls = readSyscalls(pid) ?? calls0
      return {
        pid,
        cpuPct: pct(used(pid), seconds),
        rssStartMb: mb(this.rssStart.get(pid) ?? 0),
        rssEndMb: mb(readRss(pid)?.rssKb ?? 0),
        rssMaxMb: mb(this.rssMax.get(pid) ?? 0),
        syscalls: { reads: calls.reads - calls0.reads, writes: calls.writes - calls0.writes }
      }
    })
    const redisCpuPct = this.opts.redis ? pct(groupTicks('redis-server') - this.redis0, seconds) : null
    let postgres: MeterResult['postgres'] = null
    if (this.opts.postgres) {
      let backends = 0
      for (const [pid, ticks] of backendTicks(this.opts.dbName))
        backends += ticks - (this.pgBackends0.get(pid) ?? 0)
      postgres = {
        cpuPct: pct(groupTicks('postgres') - this.pg0, seconds),
        benchBackendsCpuPct: pct(backends, seconds)
      }
    }
    const workers = this.workerPids.reduce((sum, pid) => sum + used(pid), 0)
    const coordinator = used(process.pid)
    const busyPct = pct(machineTicks().busy - this.machine0, seconds)
    const serverCpuPct = servers.reduce((sum, s) => sum + s.cpuPct, 0)
    const known =
      serverCpuPct + (postgres?.cpuPct ?? 0) + (redisCpuPct ?? 0) + pct(workers + coordinator, seconds)
    return {
      seconds: Math.round(seconds * 10) / 10,
      servers,
      serverCpuPct: Math.round(serverCpuPct * 10) / 10,
      postgres,
      redisCpuPct,
      bench: {
        cpuPct: pct(workers + coordinator, seconds),
        coordinatorCpuPct: pct(coordinator, seconds),
        workersCpuPct: pct(workers, seconds)
      },
      machine: {
        busyPct,
        otherPct: Math.max(0, Math.round((busyPct - known) * 10) / 10),
        loadavg1: Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
      }
    }
  }
}

// Current RSS of the servers in MB, averaged over a few samples (RSS moves with GC).
export const averageRssMb = async (pids: number[], samples = 3, gapMs = 500) => {
  const totals: number[] = []
  for (let i = 0; i < samples; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs))
    totals.push(pids.reduce((sum, pid) => sum + (readRss(pid)?.rssKb ?? 0), 0))
  }
  return totals.reduce((a, b) => a + b, 0) / totals.length / 1024
}
