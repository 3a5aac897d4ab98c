// After a call whose transaction wrote outbox rows: drain them now rather than at the next sweep.
import type { HookContext } from '../declarations'
import { outboxOf } from '../outbox'

export const kickOutbox = async (context: HookContext) => {
  outboxOf(context.app).kick()
}
