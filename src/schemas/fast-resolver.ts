// A Feathers resolver for hot paths (pages of messages): same contract and output as `resolve`, fewer promises.
// Feathers' Resolver.resolve awaits every property of every item (an async call, two array copies and a status
// object per property, then Promise.all): a 100-message catch-up page made 4,000 promises. This one calls each
// property resolver directly, copies plain values inline and awaits only the resolvers that returned a promise,
// so resolvers that can answer at once (seq as a number, a cached sender kind) cost no microtask. The hooks
// (resolveResult, resolveExternal) and $select/$resolve work unchanged: it is a Resolver.
import { BadRequest } from '@feathersjs/errors'
import { IS_VIRTUAL, Resolver } from '@feathersjs/schema'
import type { PropertyResolver, ResolverConverter, ResolverStatus } from '@feathersjs/schema'

type Maybe<V> = V | undefined | Promise<V | undefined>

// Like @feathersjs/schema's `virtual`, without wrapping the function in an async one (that would cost a
// promise per item even when the answer is known at once).
export const fastVirtual = <T, V, C>(
  fn: (obj: T, context: C, status: ResolverStatus<T, C>) => Maybe<V>
): PropertyResolver<T, V, C> => {
  const property = ((_value: V | undefined, obj: T, context: C, status: ResolverStatus<T, C>) =>
    fn(obj, context, status)) as PropertyResolver<T, V, C>
  property[IS_VIRTUAL] = true
  return property
}

export type FastPropertyMap<T, C> = {
  [K in keyof T]?: (value: T[K] | undefined, obj: T, context: C, status: ResolverStatus<T, C>) => Maybe<T[K]>
}

export const isPromise = (value: unknown): value is Promise<unknown> =>
  value !== null && typeof value === 'object' && typeof (value as any).then === 'function'

// `fn` over a page's items: an array at once, or a promise of it when one of them is pending.
export const mapPage = (items: any[], fn: (item: any) => unknown): unknown[] | Promise<unknown[]> => {
  let pending = false
  const mapped = items.map((item) => {
    const value = fn(item)
    pending ||= isPromise(value)
    return value
  })
  return pending ? Promise.all(mapped) : mapped
}

// The status every property resolver gets. Feathers makes one per property; the items of one call share one
// here (its hooks pass the same status for every item), made once per call, not per item.
const fullStatuses = new WeakMap<object, ResolverStatus<any, any>>()
const fullStatus = (status: any): ResolverStatus<any, any> => {
  if (!status) return { path: [], stack: [] } as any
  let full = fullStatuses.get(status)
  if (!full) {
    full = { path: [], stack: [], ...status } as ResolverStatus<any, any>
    fullStatuses.set(status, full)
  }
  return full
}

// Not supported (nothing here needs them): the deprecated `schema`/`validate` options, and the status' `path`
// and `stack` per property (no resolver here reads its status or resolves itself).
export class FastResolver<T, C> extends Resolver<T, C> {
  override async resolve<D>(input: D, context: C, status?: Partial<ResolverStatus<T, C>>): Promise<T> {
    return this.resolveNow(input, context, status)
  }

  // The resolved item, at once when no converter or property resolver returned a promise (the hooks of
  // fast-resolve-hooks.ts then resolve a page without a promise per item), else a promise of it.
  resolveNow<D>(input: D, context: C, status?: Partial<ResolverStatus<T, C>>): T | Promise<T> {
    const { converter } = this.options
    const data: any = converter ? converter(input, context, status as ResolverStatus<T, C>) : input
    return isPromise(data)
      ? data.then((converted) => this.resolveProperties(converted, context, status))
      : this.resolveProperties(data, context, status)
  }

  // Only what the property resolvers give, none of data's own values: undefined when they give nothing, so an
  // item shared between calls can be its own external view (shared-resolve-hooks.ts).
  resolveAdded(data: any, context: C, status?: Partial<ResolverStatus<T, C>>) {
    return this.resolveNames(data, context, status, this.propertyNames as string[], false) as
      Partial<T> | undefined | Promise<Partial<T> | undefined>
  }

  private resolveProperties(data: any, context: C, status?: Partial<ResolverStatus<T, C>>): T | Promise<T> {
    // The same property list as Feathers: the ones asked for ($resolve/$select), else data's and the resolvers'.
    const names: string[] = Array.isArray(status?.properties)
      ? (status.properties as string[])
      : this.allNames(data)
    return this.resolveNames(data, context, status, names, true) as T | Promise<T>
  }

  // `whole`: the resolved item (data's values too); else only the resolvers' values, or undefined for none.
  private resolveNames(
    data: any,
    context: C,
    status: Partial<ResolverStatus<T, C>> | undefined,
    names: string[],
    whole: boolean
  ): unknown {
    const { properties: resolvers } = this.options
    const result: any = {}
    let added = false
    const put = (name: string, value: unknown) => {
      if (value === undefined) return
      result[name] = value
      added = true
    }
    let pending: Promise<void>[] | undefined
    let errors: Record<string, unknown> | undefined
    const fail = (name: string, error: any) => {
      errors ??= {}
      errors[name] =
        typeof error?.toJSON === 'function' ? error.toJSON() : { message: error?.message || error }
    }
    const full = fullStatus(status)
    for (const name of names) {
      const resolver = (resolvers as any)[name]
      if (!resolver) {
        if (whole && data[name] !== undefined) result[name] = data[name]
        continue
      }
      try {
        const value = resolver(data[name], data, context, full)
        if (isPromise(value)) {
          pending ??= []
          pending.push(
            value.then(
              (resolved) => put(name, resolved),
              (error) => fail(name, error)
            )
          )
        } else put(name, value)
      } catch (error) {
        fail(name, error)
      }
    }
    const finish = () => {
      if (errors) {
        // Feathers' wording to the letter (its two spaces included).
        const which = status?.properties ? `  ${status.properties.join('.')}` : ''
        throw new BadRequest(`Error resolving data${which}`, errors)
      }
      return whole || added ? result : undefined
    }
    return pending ? Promise.all(pending).then(finish) : finish()
  }

  private allNames(data: any): string[] {
    if (data === null || typeof data !== 'object') return this.propertyNames as string[]
    const names = Object.keys(data)
    for (const name of this.propertyNames as string[]) if (!Object.hasOwn(data, name)) names.push(name)
    return names
  }
}

export const fastResolve = <T, C>(
  properties: FastPropertyMap<T, C>,
  options: { converter?: ResolverConverter<T, C> } = {}
) => new FastResolver<T, C>({ properties: properties as any, ...options })
