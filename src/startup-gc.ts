// Full garbage collections once the server listens, so the memory start-up used and dropped goes back.
import v8 from 'node:v8'
import vm from 'node:vm'

// Why: creating the app compiles about 60 validators, a few of Feathers' query-syntax ones to 0.8 MB of code
// each; ajv's code generation leaves some 80 MB of garbage in the old space. V8 keeps it until its next full
// collection, which an idle server may not need for a long time, so RSS at start read 210 MB with 40 MB live
// (bench/RESULTS.md, memory). Collecting once listening (about 100 ms in all, before any request) takes it back.
// Node exposes `gc` only behind --expose-gc; the flag set at run time applies to contexts created after it,
// so a fresh context hands the function over, and the flag is unset again at once.
export const collectStartupGarbage = () => {
  let gc = (globalThis as { gc?: () => void }).gc
  if (typeof gc !== 'function') {
    v8.setFlagsFromString('--expose-gc')
    try {
      gc = vm.runInNewContext('gc') as () => void
    } finally {
      v8.setFlagsFromString('--no-expose-gc')
    }
  }
  // The first collection frees the objects; V8 hands the emptied pages back on the following ones (measured:
  // one collection left RSS at 187 MB, three at 148 MB).
  for (let i = 0; i < 3; i++) gc()
}

// How far V8 lets the old space grow past what a full collection kept, set once the start-up garbage is gone
// (so RSS at start is as before). Why: under load the server promotes short-lived objects into the old space
// (about 1 MB per scavenge at 500 messages/s), and V8's own factor (about 1.35× here: it sees the collections as
// cheap) meant a full collection every 2–2.5 s, each with V8's helper threads on every core of a 2-core
// machine, and the seconds with a late delivery followed them. At 100% (2× what is live) the same load ran one
// every ~12 s; at 200%, every ~20 s with fewer late seconds still, but more RSS under load (bench/RESULTS.md,
// session 8). 0 leaves V8's own factor. V8 reads the flag whenever it computes a limit.
export const setHeapGrowth = (percent: number | undefined) => {
  if (!percent) return
  v8.setFlagsFromString(`--heap-growing-percent=${Math.floor(percent)}`)
}
