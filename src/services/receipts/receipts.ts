// Receipts service: members move their read/delivered pointers and list the room's pointers.
// Events: a read move reaches all of the reader's devices (with their new unread count) and, as a read
// receipt without the personal count, the rest of the room; a delivered-only move reaches the room only.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { externalAsIs } from '../../schemas/external'
import { ReceiptService, getOptions, movedOf } from './receipts.class'
import type { Receipt } from './receipts.class'
import { memberPointerResolver, receiptDataValidator, receiptQueryValidator } from './receipts.schema'
import { receiptMethods, receiptPath } from './receipts.shared'
import { requireOrg } from '../../hooks/require-org'
import { readNotificationsOnReceipt } from '../../notifications/read'

export * from './receipts.class'
export * from './receipts.schema'

// A repeated or backward receipt changed nothing: nobody needs to hear about it.
const skipEventIfNothingMoved = async (context: HookContext) => {
  const moved = movedOf(context.result as Receipt)
  if (!moved.read && !moved.delivered) context.event = null
}

export const receipt = (app: Application) => {
  app.use(receiptPath, new ReceiptService(getOptions(app)), { methods: [...receiptMethods], events: [] })

  app.service(receiptPath).hooks({
    around: {
      create: [schemaHooks.resolveExternal(externalAsIs)],
      find: [schemaHooks.resolveResult(memberPointerResolver)]
    },
    before: {
      all: [requireOrg],
      find: [schemaHooks.validateQuery(receiptQueryValidator)],
      create: [schemaHooks.validateData(receiptDataValidator)]
    },
    after: {
      create: [skipEventIfNothingMoved, readNotificationsOnReceipt]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [receiptPath]: ReceiptService
  }
}
