// The one publisher: every realtime event leaves the server here, named in the event catalogue (events.ts),
// projected onto its schema (a field the schema does not name never goes out, whatever the caller passed),
// and sent to audiences rather than raw channel names. One Socket.IO broadcast per distinct audience shape,
// encoded once and carried across processes by the Redis adapter.
import type { TObject } from '@feathersjs/typebox'
import type { Application } from '../declarations'
import { logger } from '../logger'
import { eventBroadcasts, eventRecipients } from '../metrics'
import { orgChannel, roomChannel, sessionChannel, userChannel } from './channel-names'

// Who hears an event. `exceptUser` leaves out all of one user's devices (the actor gets a personal version
// through their own user channel instead); `exceptSocket` leaves out the one socket whose call caused the
// event (its answer already carries the record; the user's other devices still hear it).
export type Audience =
  | { room: string; exceptUser?: string; exceptSocket?: string }
  | { user: string }
  | { session: string }
  | { org: string }

export interface Delivery {
  to: Audience[]
  payload: unknown
  // Another catalogue entry of the same wire name (a second payload version, e.g. the reader's receipt).
  as?: string
}

const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0

export const channelOf = (audience: Audience): string => {
  if ('room' in audience) return roomChannel(audience.room)
  if ('user' in audience) return userChannel(audience.user)
  if ('session' in audience) return sessionChannel(audience.session)
  return orgChannel(audience.org)
}

// Only the properties the schema names, recursively for nested object schemas; arrays item by item.
export const project = (schema: any, value: any): any => {
  if (value === null || value === undefined || typeof value !== 'object') return value
  if (Array.isArray(value)) return schema?.items ? value.map((item) => project(schema.items, item)) : value
  if (schema?.anyOf) {
    const objects = schema.anyOf.filter((s: any) => s.type === 'object')
    return objects.length === 1 ? project(objects[0], value) : value
  }
  if (schema?.type !== 'object' || !schema.properties) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    if (value[key] !== undefined) out[key] = project(schema.properties[key], value[key])
  }
  return out
}

// Connections of THIS process that an emit reaches, from the adapter's local rooms (a socket in several of the
// channels counts once, as Socket.IO sends it once). Other processes' connections, reached through the Redis
// adapter, are not counted: no process sees them all, and asking would cost a round trip per event.
const localRecipients = (app: Application, channels: string[], except: string[] = []) => {
  const rooms = app.io!.of('/').adapter.rooms
  if (channels.length === 1) {
    const members = rooms.get(channels[0])
    if (!members) return 0
    if (except.length === 0) return members.size
    const left = new Set<string>()
    for (const name of except) for (const id of rooms.get(name) ?? []) if (members.has(id)) left.add(id)
    return members.size - left.size
  }
  const union = new Set<string>()
  for (const channel of channels) for (const id of rooms.get(channel) ?? []) union.add(id)
  return union.size
}

// Sends `payload` (projected onto `schema`) as `name` to every audience. Audiences without exceptions share
// one broadcast; each audience with an exception is its own (Socket.IO's except() applies to the whole emit).
// A socket id is a Socket.IO room of its own, so an excepted socket is left out on every process.
export const sendEvent = (
  app: Application,
  name: string,
  schema: TObject | any,
  payload: unknown,
  to: Audience[]
) => {
  const io = app.io
  if (!io || to.length === 0) return
  const body = project(schema, payload)
  const plain: Audience[] = []
  const withExceptions: { channel: string; except: string[] }[] = []
  for (const audience of to) {
    const except =
      'room' in audience
        ? [audience.exceptUser && userChannel(audience.exceptUser), audience.exceptSocket].filter(isName)
        : []
    if (except.length === 0) plain.push(audience)
    else withExceptions.push({ channel: channelOf(audience), except })
  }
  let recipients = 0
  if (plain.length > 0) {
    const channels = [...new Set(plain.map(channelOf))]
    io.to(channels).emit(name, body)
    recipients += localRecipients(app, channels)
  }
  for (const { channel, except } of withExceptions) {
    io.to(channel).except(except).emit(name, body)
    recipients += localRecipients(app, [channel], except)
  }
  eventBroadcasts.inc({ event: name })
  eventRecipients.inc({ event: name }, recipients)
}

// The external view of one record of a service call: the resolveExternal result for that record. A call
// without one is a wiring mistake: it is logged and nothing is published (never the internal record).
export const externalOf = (data: any, context: any): any => {
  if (!context) return data
  const dispatch = context.dispatch
  if (dispatch === undefined) {
    logger.error(
      { path: context.path, method: context.method },
      'event without an external view: not published'
    )
    return undefined
  }
  if (Array.isArray(dispatch)) return dispatch.find((item: any) => item?.id === data?.id)
  if (dispatch?.data && Array.isArray(dispatch.data))
    return dispatch.data.find((item: any) => item?.id === data?.id)
  // A record emitted by hand next to the call's own result (e.g. a replaced friendship): shaped by its emitter.
  if (dispatch?.id !== undefined && data?.id !== undefined && dispatch.id !== data.id) return data
  return dispatch
}
