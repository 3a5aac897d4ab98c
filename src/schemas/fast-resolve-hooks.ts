// resolveResult and resolveExternal for pages of messages: Feathers' hooks, minus a promise chain per item.
// Feathers' hooks await every item's resolvers (an async call per item and resolver) and copy each resolved
// item once more into its dispatch; a reconnect storm resolves 100,000 messages. These call FastResolver's
// resolveNow, await only the items that returned a promise, and copy an item into its dispatch only when one
// of its values carries a dispatch of its own. What they answer, $select/$resolve and errors are Feathers'.
import { DISPATCH, getDispatch, setDispatch } from '@feathersjs/schema'
import type { Resolver } from '@feathersjs/schema'
import type { HookContext, NextFunction } from '../declarations'
import { FastResolver, isPromise, mapPage } from './fast-resolver'

type AnyResolver = Resolver<any, any>

// The resolvers in turn on one item: the value at once if none of them returned a promise.
const runNow = (resolvers: AnyResolver[], data: any, context: any, status: any, from = 0): any => {
  let current = data
  for (let i = from; i < resolvers.length; i++) {
    const resolver = resolvers[i]
    const next =
      resolver instanceof FastResolver
        ? resolver.resolveNow(current, context, status)
        : resolver.resolve(current, context, status)
    if (isPromise(next)) return next.then((value) => runNow(resolvers, value, context, status, i + 1))
    current = next
  }
  return current
}

// Every item of a page (or the one result): an array at once, or a promise when an item is pending.
const runAll = (resolvers: AnyResolver[], items: any[], context: any, status: any): any =>
  mapPage(items, (item) => runNow(resolvers, item, context, status))

const pageOf = (context: HookContext) => {
  const isPaginated = context.method === 'find' && context.result?.data
  return { isPaginated, data: isPaginated ? context.result.data : context.result }
}

export const fastResolveResult = (...resolvers: AnyResolver[]) => {
  const virtualProperties = new Set(resolvers.flatMap((resolver) => resolver.virtualNames))
  return async (context: HookContext, next: NextFunction) => {
    const { $resolve, $select, ...query } = context.params?.query || {}
    const hasVirtualSelects = Array.isArray($select) && $select.some((name) => virtualProperties.has(name))
    const resolve = { originalContext: context, ...context.params.resolve, properties: $resolve || $select }
    context.params = {
      ...context.params,
      resolve,
      query: { ...query, ...(!!$select && !hasVirtualSelects ? { $select } : {}) }
    }
    await next()
    const status = context.params.resolve
    const { isPaginated, data } = pageOf(context)
    const result = Array.isArray(data)
      ? await runAll(resolvers, data, context, status)
      : await runNow(resolvers, data, context, status)
    if (isPaginated) context.result.data = result
    else context.result = result
  }
}

// Feathers' getDispatchValue, without copying an array none of whose items has a dispatch.
const dispatchValue = (value: any): any => {
  if (typeof value !== 'object' || value === null) return value
  if (value[DISPATCH] !== undefined) return value[DISPATCH]
  if (!Array.isArray(value)) return value
  let mapped: any[] | undefined
  for (let i = 0; i < value.length; i++) {
    const item = dispatchValue(value[i])
    if (item !== value[i]) (mapped ??= value.slice())[i] = item
  }
  return mapped ?? value
}

// The item itself when none of its values has a dispatch (nothing to swap), else a copy with them swapped.
const dispatchOf = (resolved: any) => {
  let copy: any
  for (const key in resolved) {
    const value = dispatchValue(resolved[key])
    if (value !== resolved[key]) (copy ??= { ...resolved })[key] = value
  }
  return copy ?? resolved
}

export const fastResolveExternal =
  (...resolvers: AnyResolver[]) =>
  async (context: HookContext, next: NextFunction) => {
    await next()
    const existing = getDispatch(context.result)
    if (existing !== null) {
      context.dispatch = existing
      return
    }
    const status = context.params.resolve
    const { isPaginated, data } = pageOf(context)
    const items = Array.isArray(data) ? data : [data]
    const todo = items.filter((item) => getDispatch(item) === null)
    const resolved = await runAll(resolvers, todo, context, status)
    todo.forEach((item, i) => setDispatch(item, dispatchOf(resolved[i])))
    const dispatched = items.map((item) => getDispatch(item))
    const result = Array.isArray(data) ? dispatched : dispatched[0]
    context.dispatch = setDispatch(context.result, isPaginated ? { ...context.result, data: result } : result)
  }
