// Read coalescing: concurrent lookups of one kind go to PostgreSQL as one statement (DataLoader, no cache).
// Why: under a reconnect storm most of a small query's cost is its round trip (the write that wakes the
// database, knex's compile, PostgreSQL's parse and plan), not its rows; one statement for the calls of a turn
// pays it once. Idle, a lookup goes out alone at the end of its turn; busy, batches grow by themselves.
import DataLoader from 'dataloader'

export interface BatchLoaderOptions {
  // Keys per statement (a bound on its size and on how long one batch holds a pooled connection).
  maxBatchSize: number
  // Statements in flight at once: the next batch keeps filling while they run, and the pool keeps
  // connections for everything else.
  maxInflight: number
}

// A statement that failed on one request's data (SQLSTATE class 22, data exception: a number out of range, a
// malformed date) would fail its whole batch: each request then runs alone, so only the bad one is refused,
// with the same error it would have had alone.
const isDataError = (error: any) => typeof error?.code === 'string' && /^22[0-9A-Z]{3}$/.test(error.code)

// `load(keys)` answers one value or Error per key, in the keys' order (DataLoader's contract).
export const batchLoader = <K, V>(
  load: (keys: readonly K[]) => Promise<(V | Error)[]>,
  { maxBatchSize, maxInflight }: BatchLoaderOptions
): DataLoader<K, V> => {
  let inflight = 0
  const waiting: (() => void)[] = []
  const start = (dispatch: () => void) => {
    inflight++
    dispatch()
  }
  return new DataLoader<K, V>(
    async (keys) => {
      try {
        return await load(keys).catch((error) => {
          if (keys.length === 1 || !isDataError(error)) throw error
          return Promise.all(
            keys.map((key) =>
              load([key]).then(
                ([value]) => value,
                (alone) => (alone instanceof Error ? alone : new Error(String(alone)))
              )
            )
          )
        })
      } finally {
        inflight--
        const next = waiting.shift()
        if (next) start(next)
      }
    },
    {
      cache: false,
      maxBatchSize,
      // After this turn's I/O callbacks, so every lookup that arrived in the turn joins; while maxInflight
      // statements run, the batch is not dispatched and keeps taking keys (up to maxBatchSize).
      batchScheduleFn: (dispatch) =>
        setImmediate(() => (inflight < maxInflight ? start(dispatch) : waiting.push(dispatch)))
    }
  )
}
