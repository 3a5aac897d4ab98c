// The collection run once the server listens really frees what was dropped, and exposes no `gc` to the app.
import assert from 'node:assert/strict'
import v8 from 'node:v8'
import { collectStartupGarbage } from '../../src/startup-gc'

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
})
