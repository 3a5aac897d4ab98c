// The fast resolve hooks give what Feathers' resolveResult and resolveExternal give: results, dispatch, $select.
import assert from 'node:assert/strict'
import {
  getDispatch,
  resolve,
  resolveExternal,
  resolveResult,
  setDispatch,
  virtual
} from '@feathersjs/schema'
import { fastResolve, fastVirtual } from '../../src/schemas/fast-resolver'
import { fastResolveExternal, fastResolveResult } from '../../src/schemas/fast-resolve-hooks'

interface Item {
  id: number
  seq?: any
  tags?: string[]
  kind?: string
  nested?: any
  secret?: string
}

const feathersResult = resolve<Item, any>(
  {
    seq: async (value) => Number(value),
    kind: virtual(async (item): Promise<string> => (item.id % 2 ? 'odd' : 'even'))
  },
  { converter: async (data: any) => ({ ...data, secret: undefined }) }
)
const fastResult = fastResolve<Item, any>(
  // One property answers at once, one only through a promise: both paths of the hooks run.
  {
    seq: (value) => Number(value),
    kind: fastVirtual(async (item): Promise<string> => (item.id % 2 ? 'odd' : 'even'))
  },
  { converter: (data: any) => ({ ...data, secret: undefined }) }
)
const feathersExternal = resolve<Item, any>({ tags: async (value) => value ?? [] })
const fastExternal = fastResolve<Item, any>({ tags: (value) => value ?? [] })

// A value that has a dispatch of its own (another service's record): the dispatch goes out, not the value.
const withDispatch = () => {
  const inner = { id: 9, hidden: 'internal' }
  setDispatch(inner, { id: 9 })
  return inner
}
const items = () => [
  { id: 1, seq: '5', tags: ['a'], secret: 's' },
  { id: 2, seq: 7, nested: [withDispatch(), 'plain'] },
  { id: 3, seq: '1', nested: withDispatch() }
]

// Both hooks around one call, as services register them: [external, result].
const run = async (
  external: (context: any, next: any) => Promise<void>,
  result: (context: any, next: any) => Promise<void>,
  method: string,
  query: any,
  answer: () => any
) => {
  const context: any = { method, params: { query }, result: undefined }
  let seenQuery: any
  await external(context, () =>
    result(context, async () => {
      seenQuery = context.params.query
      context.result = answer()
    })
  )
  return { result: context.result, dispatch: context.dispatch, query: seenQuery }
}

describe('schemas: fast resolve hooks', () => {
  const cases: [string, any, () => any][] = [
    ['find', {}, () => ({ total: 3, data: items() })],
    ['find', { $select: ['id', 'seq'] }, () => ({ data: items() })],
    ['find', { $select: ['id', 'kind'] }, () => ({ data: items() })],
    ['find', {}, () => items()],
    ['get', {}, () => items()[1]],
    ['create', {}, () => items()[2]]
  ]
  for (const [method, query, answer] of cases) {
    it(`${method} ${JSON.stringify(query)}: same result, dispatch and query as Feathers' hooks`, async () => {
      const ours = await run(
        fastResolveExternal(fastExternal),
        fastResolveResult(fastResult),
        method,
        query,
        answer
      )
      const theirs = await run(
        resolveExternal(feathersExternal),
        resolveResult(feathersResult),
        method,
        query,
        answer
      )
      assert.deepEqual(ours, theirs)
      // The dispatch is also recorded on the result, as Feathers does (the transports read it there).
      assert.deepEqual(getDispatch(ours.result), getDispatch(theirs.result))
      assert.deepEqual(JSON.parse(JSON.stringify(ours.dispatch)), JSON.parse(JSON.stringify(theirs.dispatch)))
    })
  }

  it("keeps a result's existing dispatch, as Feathers does", async () => {
    const answer = () => {
      const page = { data: items() }
      setDispatch(page, { data: [] })
      return page
    }
    const ours = await run(
      fastResolveExternal(fastExternal),
      fastResolveResult(fastResult),
      'find',
      {},
      answer
    )
    assert.deepEqual(ours.dispatch, { data: [] })
  })

  it('rejects with the failing property, as Feathers does', async () => {
    const failing = fastResolve<Item, any>({
      seq: () => {
        throw new Error('bad seq')
      }
    })
    const theirs = resolve<Item, any>({ seq: async () => Promise.reject(new Error('bad seq')) })
    const seen = async (hook: any) => {
      const context: any = { method: 'find', params: { query: {} } }
      return hook(context, async () => {
        context.result = { data: items() }
      }).catch((error: any) => ({ name: error.name, message: error.message, data: error.data }))
    }
    assert.deepEqual(await seen(fastResolveResult(failing)), await seen(resolveResult(theirs)))
    assert.deepEqual(await seen(fastResolveExternal(failing)), await seen(resolveExternal(theirs)))
  })
})
