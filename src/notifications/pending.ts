// Trigger work under way in this process: tracked so teardown can wait for it before the database closes, and
// so tests can wait for it to finish (instead of sleeping) before asserting what it did or did not create.
import type { Application } from '../declarations'
import { logger } from '../logger'

const pendingByApp = new WeakMap<Application, Set<Promise<unknown>>>()

const pendingOf = (app: Application) => {
  let pending = pendingByApp.get(app)
  if (!pending) pendingByApp.set(app, (pending = new Set()))
  return pending
}

// Runs trigger work in the background; a failure is logged, never thrown at the caller (the change that
// triggered it has been committed and answered already).
export const track = (app: Application, what: string, work: () => Promise<unknown>) => {
  const pending = pendingOf(app)
  const promise = Promise.resolve()
    .then(work)
    .catch((error) => logger.error({ err: error, trigger: what }, 'notification trigger failed'))
  pending.add(promise)
  void promise.finally(() => pending.delete(promise))
}

// Resolves once no trigger work is under way (including work started while waiting).
export const settled = async (app: Application) => {
  const pending = pendingOf(app)
  while (pending.size > 0) await Promise.allSettled([...pending])
}
