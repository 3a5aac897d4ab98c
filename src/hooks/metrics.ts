// Around hook for every service call: service_calls_total and service_call_duration_seconds by service, method,
// transport and outcome, messages_sent_total, and the start time that message_delivery_latency_seconds ends.
// Registered first in app.ts, so it wraps the whole call and sees the normalized (Feathers) error.
import { performance } from 'node:perf_hooks'
import type { HookContext, NextFunction } from '../declarations'
import { messageDeliveryLatency, messagesSent, serviceCallDuration, serviceCalls } from '../metrics'

// When each call began, for the event its result causes (read back in observeMessageDelivered).
const startedAt = new WeakMap<object, number>()

const outcomeOf = (error: any) =>
  typeof error?.className === 'string' && error.className ? error.className : 'error'

export const countServiceCalls = async (context: HookContext, next: NextFunction) => {
  const started = performance.now()
  if (context.path === 'messages' && context.method === 'create') startedAt.set(context, started)
  let outcome = 'ok'
  try {
    await next()
  } catch (error) {
    outcome = outcomeOf(error)
    throw error
  } finally {
    const labels = {
      service: context.path,
      method: context.method,
      transport: context.params.provider ?? 'internal',
      outcome
    }
    serviceCalls.inc(labels)
    serviceCallDuration.observe(labels, (performance.now() - started) / 1000)
    if (outcome === 'ok' && context.path === 'messages' && context.method === 'create') {
      messagesSent.inc(Array.isArray(context.result) ? context.result.length : 1)
    }
  }
}

// Called by the publisher once a 'messages created' event left this process: the server's part of the
// send → delivered time (from the call starting to the emit; the network to the reader is not included).
export const observeMessageDelivered = (context: unknown) => {
  const started = context && typeof context === 'object' ? startedAt.get(context) : undefined
  if (started !== undefined) messageDeliveryLatency.observe((performance.now() - started) / 1000)
}
