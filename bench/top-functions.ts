// Summarizes a V8 .cpuprofile (node --cpu-prof) into the functions with the most self time, and the same
// time grouped by package. Usage: npx tsx bench/top-functions.ts <file.cpuprofile | directory> [--top N]
// (a directory: its largest .cpuprofile, which is the main thread's).
import fs from 'node:fs'
import path from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const pickFile = (target: string) => {
  if (!fs.statSync(target).isDirectory()) return target
  const files = fs
    .readdirSync(target)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(target, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)
  if (!files.length) throw new Error(`no .cpuprofile in ${target}`)
  return files[0]
}

// Where a function lives: a package under node_modules, our own code, or Node/V8 internals.
const packageOf = (url: string) => {
  if (!url) return '(native/V8)'
  if (url.startsWith('node:')) return 'node:internal'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  const src = url.indexOf('/src/')
  return src >= 0
    ? `chatboard ${url
        .slice(src + 1)
        .split('/')
        .slice(0, 2)
        .join('/')}`
    : url
}

const shortUrl = (url: string) => {
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length)
  const src = url.indexOf('/src/')
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '')
}

const main = () => {
  const args = process.argv.slice(2)
  const topIndex = args.indexOf('--top')
  const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25
  const target = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--top')
  if (!target) {
    console.error('usage: npx tsx bench/top-functions.ts <file.cpuprofile | directory> [--top N]')
    process.exit(64)
  }
  const file = pickFile(target)
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  // Sample i lasts until sample i+1 (timeDeltas[i + 1]); self time is the sum over the node's samples.
  const selfUs = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + us)
  }
  const special = new Map<string, number>()
  const fns = new Map<string, { name: string; where: string; us: number }>()
  const pkgs = new Map<string, number>()
  let busy = 0
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(functionName)) {
      special.set(functionName, (special.get(functionName) ?? 0) + us)
      if (functionName !== '(idle)') busy += us
      continue
    }
    busy += us
    const key = `${functionName}|${url}|${lineNumber}`
    const entry = fns.get(key) ?? {
      name: functionName || '(anonymous)',
      where: `${shortUrl(url)}:${lineNumber + 1}`,
      us: 0
    }
    entry.us += us
    fns.set(key, entry)
    pkgs.set(packageOf(url), (pkgs.get(packageOf(url)) ?? 0) + us)
  }
  const total = (profile.endTime - profile.startTime) / 1000
  const ms = (us: number) => (us / 1000).toFixed(1).padStart(9)
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`
  console.log(
    `${path.basename(file)}: ${total.toFixed(0)} ms profiled, ${(busy / 1000).toFixed(0)} ms busy (not idle)`
  )
  for (const [name, us] of special) console.log(`  ${name.padEnd(22)} ${ms(us)} ms`)
  console.log(`\ntop ${top} functions by self time (% of busy time):`)
  for (const f of [...fns.values()].sort((a, b) => b.us - a.us).slice(0, top)) {
    console.log(`${ms(f.us)} ms ${pct(f.us)}  ${f.name}  ${f.where}`)
  }
  console.log('\nself time by package:')
  for (const [pkg, us] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms(us)} ms ${pct(us)}  ${pkg}`)
}

main()
