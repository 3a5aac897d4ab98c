// Messages service: members of a room send, read history, edit, unsend; room owners/admins delete.
// Every change is published to the room's channel, once, after the transaction committed.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { publish } from '../../realtime/publish'
import { roomChannel } from '../../realtime/channel-names'
import { DUPLICATE, MessageService } from './messages.class'
import { messageDataValidator, messagePatchValidator, messageQueryValidator } from './messages.schema'
import { messageMethods, messagePath } from './messages.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './messages.class'
export * from './messages.schema'

// REST clients may send the standard Idempotency-Key header instead of client_msg_id.
const idempotencyKey = async (context: HookContext) => {
  const key = context.params.headers?.['idempotency-key']
  const data = context.data as Record<string, unknown>
  if (
    typeof key === 'string' &&
    key &&
    data &&
    typeof data === 'object' &&
    data.client_msg_id === undefined
  ) {
    context.data = { ...data, client_msg_id: key }
  }
}

// A retried send that returned the original message must not announce it twice.
const skipEventForDuplicate = async (context: HookContext) => {
  if (context.result && (context.result as any)[DUPLICATE]) context.event = null
}

// The delivery summary is for the sender only; subscribers get the message itself.
const withoutDelivery = (message: any) => {
  if (!message || message.delivery === undefined) return message
  const { delivery, ...rest } = message
  void delivery
  return rest
}

export const message = (app: Application) => {
  app.use(messagePath, new MessageService(app), { methods: [...messageMethods], events: [] })

  app.service(messagePath).hooks({
    before: {
      all: [requireOrg],
      find: [schemaHooks.validateQuery(messageQueryValidator)],
      create: [
        idempotencyKey,
        normalizeText({ body: 'multiline' }),
        schemaHooks.validateData(messageDataValidator)
      ],
      patch: [normalizeText({ body: 'multiline' }), schemaHooks.validateData(messagePatchValidator)]
    },
    after: {
      create: [skipEventForDuplicate]
    }
  })

  publish(
    app,
    messagePath,
    {
      created: (m) => [roomChannel(m.room_id)],
      patched: (m) => [roomChannel(m.room_id)],
      removed: (m) => [roomChannel(m.room_id)]
    },
    withoutDelivery
  )
}

declare module '../../declarations' {
  interface ServiceTypes {
    [messagePath]: MessageService
  }
}
