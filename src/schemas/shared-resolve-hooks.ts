// resolveResult and resolveExternal for pages whose items are shared between calls (the catch-up pages of one
// statement, page-loader.ts): each item is resolved once for every page it is on, and each call's external view
// is its own, so what one caller may see (a sender's delivery state) never lands on an item another call holds.
import { setDispatch } from '@feathersjs/schema'
import type { HookContext, NextFunction } from '../declarations'
import { FastResolver, isPromise, mapPage } from './fast-resolver'

type AnyResolver = FastResolver<any, any>

// resolveResult, once per item object whichever call's page holds it. Only for a resolver whose answer does not
// depend on the caller (the messages resolver: columns, seq as a number, the sender's kind) and for calls
// without $select/$resolve (the catch-up query refuses both).
export const sharedResolveResult = (resolver: AnyResolver) => {
  const resolved = new WeakMap<object, unknown>()
  return async (context: HookContext, next: NextFunction) => {
    await next()
    const page = context.result
    page.data = await mapPage(page.data, (item) => {
      if (resolved.has(item)) return resolved.get(item)
      const value = resolver.resolveNow(item, context, context.params.resolve)
      resolved.set(item, value)
      // Later pages get the item itself, not the promise.
      if (isPromise(value)) value.then((done) => resolved.set(item, done)).catch(() => undefined)
      return value
    })
  }
}

// resolveExternal into the call's own dispatch: an item the resolver adds nothing to (another member's
// message) is its own external view, shared; the others are copies with what was added (my message's delivery).
// Nothing is marked on the items themselves, unlike Feathers' hook, whose per-item dispatch would be the first
// caller's for every page holding the item. The resolver's properties must all be virtual (added, never changed).
export const sharedResolveExternal = (resolver: AnyResolver) => {
  const virtual = new Set(resolver.virtualNames)
  if (!resolver.propertyNames.every((name) => virtual.has(name)))
    throw new Error('sharedResolveExternal: every property of the resolver must be virtual')
  const withAdded = (item: any, added: object | undefined) => (added ? { ...item, ...added } : item)
  return async (context: HookContext, next: NextFunction) => {
    await next()
    const page = context.result
    const data = await mapPage(page.data, (item) => {
      const added = resolver.resolveAdded(item, context, context.params.resolve)
      return isPromise(added)
        ? added.then((value) => withAdded(item, value as object | undefined))
        : withAdded(item, added)
    })
    context.dispatch = setDispatch(context.result, { ...page, data })
  }
}
