// AsyncAPI 2.6 for the Socket.IO side, generated from the event catalogue (src/realtime/events.ts): every event
// the server emits (name, audience, payload schema), plus the service calls a client emits (same as REST).
import { defaultServiceMethods } from '@feathersjs/feathers'
import type { Application } from '../declarations'
import { events, wireName } from '../realtime/events'
import { RESYNC_EVENT } from '../realtime/sockets'
import { refTargets, serviceDocs } from './registry'
import { componentStore, pascal } from './schemas'
import type { JsonSchema } from './schemas'
import { errorSchema } from './common'
import { registeredMethods } from './openapi'

// The arguments a client sends with each method, after the service path (Feathers' Socket.IO protocol).
const callArguments = (method: string, ref: (schema: any, name: string) => JsonSchema, path: string) => {
  const doc = serviceDocs[path]
  const name = pascal(path)
  const id = { type: ['string', 'number'], description: 'id' }
  const query = doc?.query ? ref(doc.query, `${name}Query`) : { type: 'object' }
  const data = (schema: any, suffix: string) =>
    schema ? ref(schema, `${name}${suffix}`) : { type: 'object' }
  switch (method) {
    case 'find':
      return [query]
    case 'get':
    case 'remove':
      return [id, { type: 'object' }]
    case 'create':
      return [data(doc?.data, 'Data'), { type: 'object' }]
    case 'update':
      return [id, data(doc?.data, 'Data'), { type: 'object' }]
    case 'patch':
      return [id, data(doc?.patch, 'Patch'), { type: 'object' }]
    default:
      return [data(doc?.custom?.[method]?.data, `${pascal(method)}Data`), { type: 'object' }]
  }
}

// Channel names must be URI templates, so the socket event `messages created` is the channel
// `events/messages/created` (its `x-socketio-event` says the name on the wire); client calls are `calls/<path>/<method>`.
export const eventChannel = (name: string) => `events/${name.replace(/ /g, '/')}`
export const callChannel = (path: string, method: string) => `calls/${path}/${method}`

export const buildAsyncApi = (app: Application, version = '0.1.0') => {
  const store = componentStore('#/components/schemas/', refTargets)
  const channels: Record<string, JsonSchema> = {}
  const messages: Record<string, JsonSchema> = {}

  // Server -> client: one channel per socket event name; entries that share a name are alternatives.
  for (const [key, spec] of Object.entries(events)) {
    const name = wireName(key)
    const messageName = pascal(key)
    messages[messageName] = {
      name,
      title: key,
      summary: spec.description,
      description: `Audience: ${spec.audience}`,
      payload: store.ref(spec.schema, `${messageName}Payload`),
      'x-audience': spec.audience
    }
    const channel = (channels[eventChannel(name)] ??= {
      'x-socketio-event': name,
      description: `Socket.IO event \`${name}\`, emitted by the server.`,
      subscribe: { operationId: `on_${name.replace(/[^A-Za-z0-9]/g, '_')}`, message: { oneOf: [] } }
    })
    channel.subscribe.message.oneOf.push({ $ref: `#/components/messages/${messageName}` })
    channel.description += ` ${key}: ${spec.audience}.`
  }
  messages.Resync = {
    name: RESYNC_EVENT,
    summary:
      'Events may have been lost (the Redis adapter reconnected): run the catch-up recipe for every room.',
    payload: { type: 'object', properties: { reason: { type: 'string', const: 'adapter_reconnected' } } }
  }
  channels[eventChannel(RESYNC_EVENT)] = {
    'x-socketio-event': RESYNC_EVENT,
    description: 'A per-socket control event (not a service event).',
    subscribe: { operationId: 'on_resync', message: { $ref: '#/components/messages/Resync' } }
  }

  // Client -> server: `socket.emit(method, path, ...args, ack)`; the ack gets (error, result) like REST's body.
  for (const [path, methods] of registeredMethods(app)) {
    for (const method of methods) {
      const messageName = `Call${pascal(path)}${pascal(method)}`
      const args = callArguments(method, store.ref, path)
      messages[messageName] = {
        name: method,
        title: `${path}.${method}`,
        summary: `Calls ${path}.${method}; the acknowledgement callback receives (error, result).`,
        payload: {
          type: 'array',
          minItems: 1,
          items: [{ type: 'string', const: path }, ...args],
          additionalItems: false
        },
        ...(defaultServiceMethods.includes(method) ? {} : { 'x-custom-method': true })
      }
      channels[callChannel(path, method)] = {
        'x-socketio-event': method,
        description: `Emit \`${method}\` with the path \`${path}\` first. Errors are the REST error body.`,
        publish: {
          operationId: `call_${path}_${method}`.replace(/[^A-Za-z0-9_]/g, '_'),
          message: { $ref: `#/components/messages/${messageName}` }
        }
      }
    }
  }

  return {
    asyncapi: '2.6.0',
    info: {
      title: 'ChatBoard realtime API',
      version,
      description:
        'Socket.IO on the HTTP port (websocket transport recommended). Authenticate first by calling `create` on `authentication` with `{ strategy: "jwt", accessToken }`; events then arrive for the rooms and org the user belongs to. An event name is `<service> <event>`.'
    },
    defaultContentType: 'application/json',
    servers: {
      chatboard: {
        url: '{host}',
        protocol: 'ws',
        description: 'Socket.IO (Engine.IO 4) on the same host and port as the REST API',
        variables: { host: { default: 'localhost:3030' } }
      }
    },
    channels,
    components: { schemas: { Error: errorSchema, ...store.schemas }, messages }
  }
}
