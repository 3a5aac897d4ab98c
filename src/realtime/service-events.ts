// Who hears each service event: one route per catalogue entry (events.ts), from the call's external view
// (resolveExternal) to deliveries. Registered once for the whole app (channels.ts); services publish nothing
// themselves. A route returning [] publishes nothing (deny by default).
import type { Application, HookContext } from '../declarations'
import { events, wireName } from './events'
import { externalOf, sendEvent } from './publisher'
import type { Audience, Delivery } from './publisher'
import { logger } from '../logger'
import { observeMessageDelivered } from '../hooks/metrics'
import { movedOf } from '../services/receipts/receipts.class'
import { socketOf } from './sockets'

type Route = (
  data: any,
  context: HookContext | undefined,
  app: Application
) => Delivery[] | Promise<Delivery[]>

const to = (payload: unknown, ...audiences: Audience[]): Delivery[] => [{ to: audiences, payload }]
const room = (data: { room_id: string }) => ({ room: data.room_id })
const user = (id: string) => ({ user: id })
const bothUsers = (f: any) => to(f, user(f.requester_id), user(f.addressee_id))
const owner = (n: any) => to(n, user(n.user_id))

// Receipts have two payloads: the reader's own devices get their unread count, the rest of the room the
// pointer (the reader's devices are left out there, so each device gets exactly one event per move). Which
// pointers moved is marked on the call's result (receipts.class.ts).
const receiptRoute: Route = (receipt, context) => {
  if (!movedOf(context?.result).read) return [{ to: [room(receipt)], payload: receipt }]
  return [
    { as: 'receipts created (reader)', to: [user(receipt.user_id)], payload: receipt },
    { to: [{ room: receipt.room_id, exceptUser: receipt.user_id }], payload: receipt }
  ]
}

// Keys are catalogue keys; the event name on the wire drops a parenthesised audience (see wireName).
export const routes: Record<string, Route> = {
  // Not back to the socket that sent it: its answer is the message (issue 12: a frame per send saved). The
  // sender's other devices and sockets hear it like everyone else; a REST send has no socket to leave out.
  'messages created': (m, context) =>
    to(m, { room: m.room_id, exceptSocket: socketOf(context?.params.connection)?.id }),
  'messages patched': (m) => to(m, room(m)),
  'messages removed': (m) => to(m, room(m)),
  // Each member's devices joined the room channel before this event; the user channel reaches them all.
  'rooms created': async (r, _context, app) => {
    const members = await app
      .get('postgresqlClient')('room_members')
      .where({ room_id: r.id })
      .pluck('user_id')
    return to(r, ...members.map((id: string) => user(id)))
  },
  'rooms patched': (r) => to(r, { room: r.id }),
  'members created': (m) => to(m, room(m), user(m.user_id)),
  // A mute is the member's own business; role changes concern the room.
  'members patched': (m, context) =>
    (context?.data as any)?.role !== undefined ? to(m, room(m), user(m.user_id)) : to(m, user(m.user_id)),
  'members removed': (m) => to(m, room(m), user(m.user_id)),
  'typing created': (t) => to(t, room(t)),
  'receipts created': receiptRoute,
  'users patched': (u) => to(u, user(u.id), ...(u.org_id ? [{ org: u.org_id }] : [])),
  'users removed': (u) => to(u, user(u.id)),
  'orgs patched': (o) => to(o, { org: o.id }),
  'friendships created': bothUsers,
  'friendships patched': bothUsers,
  'friendships removed': bothUsers,
  'notification-preferences created': owner,
  'notification-preferences patched': owner,
  'notification-preferences removed': owner,
  'notifications created': owner,
  'notifications patched': owner,
  'notifications removed': owner,
  'uploads patched': (u) => to(u, user(u.owner_id))
}

// Publishes one catalogue event outside a service call (presence batches, receipts' two versions).
export const publishEvent = (app: Application, key: string, delivery: Delivery) => {
  const spec = events[key]
  if (!spec) throw new Error(`Unknown event "${key}": add it to src/realtime/events.ts`)
  sendEvent(app, wireName(key), spec.schema, delivery.payload, delivery.to)
}

export const publishServiceEvents = (app: Application) => {
  for (const [key, route] of Object.entries(routes)) {
    if (!events[key]) throw new Error(`Route for unknown event "${key}"`)
    const [path, event] = wireName(key).split(' ')
    app.service(path as any).on(event, async (data: any, context?: HookContext) => {
      try {
        const external = externalOf(data, context)
        if (external === undefined) return
        for (const delivery of await route(external, context, app))
          publishEvent(app, delivery.as ?? key, delivery)
        if (key === 'messages created') observeMessageDelivered(context)
      } catch (error) {
        // The change is committed and answered; a failed announcement is logged (clients catch up on reconnect).
        logger.error({ err: error, event: key }, 'publishing an event failed')
      }
    })
  }
}
