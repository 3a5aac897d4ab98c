// The fast resolver answers exactly what Feathers' own resolver answers for the same properties and input.
import assert from 'node:assert/strict'
import { resolve, resolveExternal, resolveResult, virtual } from '@feathersjs/schema'
import { fastResolve, fastVirtual } from '../../src/schemas/fast-resolver'

interface Item {
  id: number
  seq?: number
  name?: string
  tags?: string[]
  kind?: string
  extra?: string
  secret?: string
}

const kindOf = async (item: Item): Promise<string> => (item.id % 2 ? 'odd' : 'even')
// One property map in both shapes: Feathers' (async everywhere) and the fast one (sync where it can be).
const feathers = resolve<Item, any>(
  {
    seq: async (value) => Number(value),
    tags: async (value) => value ?? [],
    name: async (value) => (value === 'drop' ? undefined : value),
    kind: virtual(async (item) => kindOf(item))
  },
  {
    converter: async (data: any) => (data && typeof data === 'object' ? { ...data, secret: undefined } : data)
  }
)
const fast = fastResolve<Item, any>(
  {
    seq: (value) => Number(value),
    tags: (value) => value ?? [],
    name: (value) => (value === 'drop' ? undefined : value),
    kind: fastVirtual((item) => kindOf(item))
  },
  { converter: (data: any) => (data && typeof data === 'object' ? { ...data, secret: undefined } : data) }
)

const inputs: any[] = [
  { id: 1, seq: '17', name: 'a', tags: ['x'], secret: 's' },
  { id: 2, seq: '3', name: 'drop', extra: undefined },
  { id: 3, seq: 4, tags: null, extra: 'kept' },
  { id: 4, name: 'no seq' }
]

describe('schemas: fast resolver', () => {
  it('gives what @feathersjs/schema resolve gives, item by item', async () => {
    for (const input of inputs) {
      assert.deepEqual(
        await fast.resolve(input, {}),
        await feathers.resolve(input, {}),
        JSON.stringify(input)
      )
    }
  })

  it('resolves only the properties asked for ($select / $resolve), as Feathers does', async () => {
    for (const properties of [['id', 'seq'], ['kind'], ['name', 'tags', 'extra']] as (keyof Item)[][]) {
      for (const input of inputs) {
        assert.deepEqual(
          await fast.resolve(input, {}, { properties }),
          await feathers.resolve(input, {}, { properties })
        )
      }
    }
  })

  it('names the same virtual properties (the hooks leave them out of $select queries)', () => {
    assert.deepEqual(fast.virtualNames, feathers.virtualNames)
    assert.deepEqual(fast.propertyNames, feathers.propertyNames)
  })

  it('reports failing properties as one BadRequest, sync and async failures alike', async () => {
    const failing = fastResolve<Item, any>({
      name: () => {
        throw new Error('sync failure')
      },
      kind: fastVirtual(async (): Promise<string> => {
        throw new Error('async failure')
      })
    })
    await assert.rejects(failing.resolve({ id: 1, name: 'n' }, {}), (error: any) => {
      assert.equal(error.name, 'BadRequest')
      assert.deepEqual(error.data, {
        name: { message: 'sync failure' },
        kind: { message: 'async failure' }
      })
      return true
    })
  })

  it('words a failure as Feathers does, with and without the properties asked for', async () => {
    const props = { name: async (): Promise<string> => Promise.reject(new Error('no')) }
    const theirs = resolve<Item, any>(props)
    const ours = fastResolve<Item, any>(props)
    for (const status of [undefined, { properties: ['name', 'id'] as (keyof Item)[] }]) {
      const message = (error: any) => error.message
      assert.equal(
        await ours.resolve({ id: 1 }, {}, status).catch(message),
        await theirs.resolve({ id: 1 }, {}, status).catch(message)
      )
    }
  })

  it('works in resolveResult and resolveExternal on a page as the Feathers resolver does', async () => {
    const run = async (resolver: any) => {
      const context: any = {
        method: 'find',
        params: { query: {} },
        result: { data: inputs.map((i) => ({ ...i })) }
      }
      await resolveExternal(resolver)(context, async () => {})
      const external = context.dispatch
      context.result = { data: inputs.map((i) => ({ ...i })) }
      context.dispatch = undefined
      await resolveResult(resolver)(context, async () => {})
      return { external, result: context.result }
    }
    assert.deepEqual(await run(fast), await run(feathers))
  })
})
