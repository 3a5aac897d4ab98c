// ChatBoard load harness entry point: `npm run bench -- <scenario> --target embedded|pg|pg2 [flags]`.
// Seeds a fresh database, spawns the server process(es) and the load-generator workers, runs one bounded
// scenario, prints a table and a BENCH_JSON line, and tears everything down. See bench/README.md.
import { parseArgs } from './lib/args'
import type { Args, Scenario } from './lib/args'
import { killEverything, log, teardown } from './lib/harness'
import { printRun } from './lib/report'
import { bigroom, ramp, steady } from './scenarios/messaging'
import type { Context, Outcome } from './scenarios/messaging'
import { reconnect } from './scenarios/reconnect'
import { idle } from './scenarios/idle'
import { rest } from './scenarios/rest'

const runners: Record<Scenario, (args: Args, ctx: Context) => Promise<Outcome>> = {
  steady,
  ramp,
  bigroom,
  reconnect,
  idle,
  rest
}

// Upper bound of a whole run (set-up included) unless --timeout says otherwise, in seconds.
const defaultTimeout = (args: Args): number => {
  const d = (fallback: number) => args.num('duration', fallback)
  switch (args.scenario) {
    case 'steady':
      return 240 + d(60) + args.num('warmup', 5)
    case 'ramp':
      return 240 + 40 * (d(10) + 8)
    case 'bigroom':
      return 240 + d(30) + args.num('warmup', 3)
    case 'reconnect':
      return 480
    case 'idle':
      // Password logins go one at a time on the server (about 40 ms each here): 5,000 take minutes.
      return 240 + args.num('users', 5000) * 0.08 + 5 * d(5)
    case 'rest':
      return 240 + d(30)
  }
}

const main = async () => {
  let args: Args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (error: any) {
    console.error(error.message)
    process.exit(64)
  }
  const timeoutS = args.num('timeout', defaultTimeout(args))
  // The watchdog: whatever hangs, the run ends and takes its processes with it.
  const watchdog = setTimeout(() => {
    console.error(
      `[bench] TIMEOUT: ${args.scenario} did not finish within ${timeoutS} s; killing servers and workers`
    )
    killEverything()
    process.exit(2)
  }, timeoutS * 1000)
  watchdog.unref()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`[bench] ${signal}: killing servers and workers`)
      killEverything()
      process.exit(130)
    })
  }
  const ctx: Context = { h: null }
  let code = 0
  const started = Date.now()
  try {
    const outcome = await runners[args.scenario](args, ctx)
    printRun(outcome.title, outcome.rows, outcome.record, args.str('json-out', ''))
  } catch (error: any) {
    console.error(`[bench] ${args.scenario} failed: ${error?.stack ?? error}`)
    code = 1
  } finally {
    await teardown(ctx.h).catch((error) => console.error(`[bench] teardown: ${error?.message ?? error}`))
  }
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`)
  clearTimeout(watchdog)
  process.exit(code)
}

void main()
