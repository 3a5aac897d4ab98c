// The collection run once the server listens really frees what was dropped, and exposes no `gc` to the app; the
// heap's growing factor is handed to V8 as configured (its effect is measured by bench/, RESULTS.md session 8).
import assert from 'node:assert/strict'
import v8 from 'node:v8'
import { collectStartupGarbage, setHeapGrowth } from '../../src/startup-gc'

describe('operations: start-up garbage collection', () => {
  it('frees dropped objects at once and leaves no global gc behind', () => {
    const hadGc = typeof (globalThis as any).gc === 'function'
    // About 30 MB of objects, then dropped: only a collection can take them back.
    let junk: { i: number; s: string }[] | null = Array.from({ length: 300_000 }, (_, i) => ({
      i,
      s: `item ${i}`
    }))
    assert.equal(junk.length, 300_000)
    const withJunk = v8.getHeapStatistics().used_heap_size
    junk = null
    collectStartupGarbage()
    const after = v8.getHeapStatistics().used_heap_size
    assert.ok(
      withJunk - after > 15 * 1024 * 1024,
      `freed only ${((withJunk - after) / 1048576).toFixed(1)} MB`
    )
    assert.equal(typeof (globalThis as any).gc === 'function', hadGc)
  })

  it('hands V8 the configured heap growing percent, and nothing when it is 0 or unset', () => {
    const original = v8.setFlagsFromString
    const flags: string[] = []
    v8.setFlagsFromString = (flag: string) => void flags.push(flag)
    try {
      setHeapGrowth(200)
      setHeapGrowth(0)
      setHeapGrowth(undefined)
      setHeapGrowth(150.7)
    } finally {
      v8.setFlagsFromString = original
    }
    assert.deepEqual(flags, ['--heap-growing-percent=200', '--heap-growing-percent=150'])
  })
})
