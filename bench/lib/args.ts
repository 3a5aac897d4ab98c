// Command-line flags: `npm run bench -- <scenario> --target pg --users 40 --duration 10 ...`.

export type Target = 'embedded' | 'pg' | 'pg2'
export const scenarios = ['steady', 'ramp', 'bigroom', 'reconnect', 'idle', 'rest'] as const
export type Scenario = (typeof scenarios)[number]

export interface Args {
  scenario: Scenario
  target: Target
  flags: Map<string, string>
  num(name: string, fallback: number): number
  str(name: string, fallback: string): string
  bool(name: string): boolean
  has(name: string): boolean
}

export const usage = `usage: npm run bench -- <scenario> [--target embedded|pg|pg2] [flags]
scenarios: ${scenarios.join(', ')}
common flags: --users N --room-size N --rate R --duration S --warmup S --workers N --timeout S
  --port P --db chatboard_bench --database-url URL --redis-url URL --pool N --body-size N
  --server-log-level warn --server-log FILE --server-node-options "..." --server-node-args "..."
  --cpu-prof [dir] --json-out FILE --server chatboard|floor|peer
see bench/README.md for what each scenario does and prints`

export const parseArgs = (argv: string[]): Args => {
  const flags = new Map<string, string>()
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) {
      positional.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1))
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      flags.set(arg.slice(2), argv[++i])
    } else {
      flags.set(arg.slice(2), 'true')
    }
  }
  const scenario = positional[0] as Scenario
  if (!scenarios.includes(scenario))
    throw new Error(`unknown or missing scenario '${positional[0] ?? ''}'\n${usage}`)
  const target = (flags.get('target') ?? 'embedded') as Target
  if (!['embedded', 'pg', 'pg2'].includes(target)) throw new Error(`unknown --target '${target}'\n${usage}`)
  return {
    scenario,
    target,
    flags,
    num(name, fallback) {
      const raw = flags.get(name)
      if (raw === undefined) return fallback
      const value = Number(raw)
      if (!Number.isFinite(value)) throw new Error(`--${name} needs a number, got '${raw}'`)
      return value
    },
    str: (name, fallback) => flags.get(name) ?? fallback,
    bool: (name) => flags.has(name) && flags.get(name) !== 'false',
    has: (name) => flags.has(name)
  }
}
