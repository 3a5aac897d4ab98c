// Receipt schemas: moving my read/delivered pointers in a room, and the pointers of a room's members.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'

const Uuid = Type.String({ format: 'uuid' })
const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

// The caller's pointers after a move; unread_count is personal and never sent to the room.
export const receiptSchema = Type.Object(
  {
    room_id: Uuid,
    user_id: Uuid,
    last_read_seq: Type.Number(),
    delivered_seq: Type.Number(),
    unread_count: Type.Number()
  },
  { $id: 'Receipt', additionalProperties: false }
)
export type Receipt = Static<typeof receiptSchema>

// One member's pointers as others see them (read receipts UI, and the room's `receipts created` events).
export const memberPointerSchema = Type.Object(
  { user_id: Uuid, last_read_seq: Type.Number(), delivered_seq: Type.Number() },
  { $id: 'MemberPointer', additionalProperties: false }
)
export type MemberPointer = Static<typeof memberPointerSchema>
// room_members rows: the pointers are bigint columns (strings from pg); the row id is not part of a pointer.
export const memberPointerResolver = resolve<MemberPointer & { id?: string }, HookContext>({
  last_read_seq: async (value) => Number(value),
  delivered_seq: async (value) => Number(value),
  id: async () => undefined
})

// At least one of the pointers (checked by the service, with a clearer message than a schema union gives).
export const receiptDataSchema = Type.Object(
  { room_id: Uuid, read_seq: Type.Optional(Seq), delivered_seq: Type.Optional(Seq) },
  { $id: 'ReceiptData', additionalProperties: false }
)
export type ReceiptData = Static<typeof receiptDataSchema>
export const receiptDataValidator = getValidator(receiptDataSchema, dataValidator)

export const receiptQuerySchema = Type.Object(
  {
    room_id: Uuid,
    $limit: Type.Optional(queryLimit(1000)),
    $skip: Type.Optional(querySkip())
  },
  { $id: 'ReceiptQuery', additionalProperties: false }
)
export type ReceiptQuery = Static<typeof receiptQuerySchema>
export const receiptQueryValidator = getValidator(receiptQuerySchema, queryValidator)

export interface ReceiptPage {
  total: number
  limit: number
  skip: number
  data: MemberPointer[]
}
