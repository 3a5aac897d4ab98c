// The external view of services whose results hide nothing from their caller: resolveExternal with this
// resolver gives the publisher a dispatch copy (it never publishes the internal record), and the event
// catalogue's schema still decides which of its fields each event carries (src/realtime/publisher.ts).
import { resolve } from '@feathersjs/schema'
import type { HookContext } from '../declarations'

export const externalAsIs = resolve<any, HookContext>({})
