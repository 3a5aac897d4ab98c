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
