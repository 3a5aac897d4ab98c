// Receipts service: members move their read/delivered pointers and list the room's pointers.
// Events: a read move reaches all of the reader's devices (with their new unread count) and, as a read
// receipt without the personal count, the rest of the room; a delivered-only move reaches the room only.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { roomChannel, userChannel } from '../../realtime/channel-names'
import { ReceiptService, getOptions, movedOf } from './receipts.class'
import type { MemberPointer, Receipt } from './receipts.class'
import { memberPointerResolver, receiptDataValidator, receiptQueryValidator } from './receipts.schema'
import { receiptMethods, receiptPath } from './receipts.shared'
import { requireOrg } from '../../hooks/require-org'

export * from './receipts.class'
export * from './receipts.schema'

// A repeated or backward receipt changed nothing: nobody needs to hear about it.
const skipEventIfNothingMoved = async (context: HookContext) => {
  const moved = movedOf(context.result as Receipt)
  if (!moved.read && !moved.delivered) context.event = null
}

// What the room sees of a receipt: whose pointers and where they are, never the reader's unread count.
export const roomReceipt = (receipt: Receipt): MemberPointer & { room_id: string } => ({
  room_id: receipt.room_id,
  user_id: receipt.user_id,
  last_read_seq: receipt.last_read_seq,
  delivered_seq: receipt.delivered_seq
})

// Deny by default, like src/realtime/publish.ts, which cannot say "the room except the reader's own
// devices": those get the personal version on their user channel, so each socket receives exactly one
// `receipts created` per move. Socket.IO `except` is honoured across processes by the Redis adapter.
const publishReceipts = (app: Application) => {
  app.service(receiptPath).on('created', (receipt: Receipt) => {
    const io = app.io
    if (!io) return
    const event = `${receiptPath} created`
    const room = roomChannel(receipt.room_id)
    if (movedOf(receipt).read) {
      const mine = userChannel(receipt.user_id)
      io.to(mine).emit(event, { ...receipt })
      io.to(room).except(mine).emit(event, roomReceipt(receipt))
    } else {
      io.to(room).emit(event, roomReceipt(receipt))
    }
  })
}

export const receipt = (app: Application) => {
  app.use(receiptPath, new ReceiptService(getOptions(app)), { methods: [...receiptMethods], events: [] })

  app.service(receiptPath).hooks({
    around: {
      find: [schemaHooks.resolveResult(memberPointerResolver)]
    },
    before: {
      all: [requireOrg],
      find: [schemaHooks.validateQuery(receiptQueryValidator)],
      create: [schemaHooks.validateData(receiptDataValidator)]
    },
    after: {
      create: [skipEventIfNothingMoved]
    }
  })

  publishReceipts(app)
}

declare module '../../declarations' {
  interface ServiceTypes {
    [receiptPath]: ReceiptService
  }
}
