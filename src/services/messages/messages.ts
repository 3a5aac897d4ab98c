// Messages service: members of a room send, read history, edit, unsend; room owners/admins delete.
// Every change is published to the room's channel, once, after the transaction committed.
import { hooks as schemaHooks } from '@feathersjs/schema'
import { fastResolveExternal, fastResolveResult } from '../../schemas/fast-resolve-hooks'
import type { Application, HookContext, NextFunction } from '../../declarations'
import { normalizeText } from '../../hooks/normalize-text'
import { DUPLICATE, MessageService } from './messages.class'
import {
  messageDataValidator,
  messageExternalResolver,
  messagePatchValidator,
  messageQueryValidator,
  messageResolver
} from './messages.schema'
import { messageMethods, messagePath } from './messages.shared'
import { requireOrg } from '../../hooks/require-org'
import { authorizeRoom, authorizeSend, messagePatchActions } from '../../hooks/authorize-room'

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

// A retry (same client_msg_id) of a send stored before the room was archived answers with what was stored:
// a retry asks what happened, it says nothing new. So the archive refusal, whether from authorizeRoom or from
// under the room's lock, becomes the stored message when there is one (and announces nothing).
const answerRetry = async (context: HookContext, next: NextFunction) => {
  try {
    await next()
  } catch (error: any) {
    const clientMsgId = context.data?.client_msg_id
    const user = context.params.user
    if (error?.data?.code !== 'room_archived' || !clientMsgId || !user) throw error
    const service = context.self as MessageService
    const earlier = await service.original(user.id, clientMsgId, context.data.room_id)
    if (!earlier) throw error
    context.result = earlier
    context.event = null
  }
}

export const message = (app: Application) => {
  app.use(messagePath, new MessageService(app), { methods: [...messageMethods], events: [] })

  app.service(messagePath).hooks({
    around: {
      all: [fastResolveExternal(messageExternalResolver), fastResolveResult(messageResolver)],
      create: [answerRetry]
    },
    before: {
      all: [requireOrg],
      find: [schemaHooks.validateQuery(messageQueryValidator), authorizeRoom('read')],
      create: [
        idempotencyKey,
        normalizeText({ body: 'multiline' }),
        schemaHooks.validateData(messageDataValidator),
        authorizeSend
      ],
      patch: [
        normalizeText({ body: 'multiline' }),
        schemaHooks.validateData(messagePatchValidator),
        authorizeRoom(messagePatchActions)
      ],
      remove: [authorizeRoom('delete_any')]
    },
    after: {
      create: [skipEventForDuplicate]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [messagePath]: MessageService
  }
}
