// Message version schemas: the earlier texts of an edited message, oldest first.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'

const Uuid = Type.String({ format: 'uuid' })

export const messageVersionSchema = Type.Object(
  {
    id: Uuid,
    message_id: Uuid,
    body: Type.String(),
    // When this text became current: the message's created_at, or the edit that introduced it.
    created_at: Type.Any({ description: 'ISO 8601 date-time (UTC)' })
  },
  { $id: 'MessageVersion', additionalProperties: false }
)
export type MessageVersion = Static<typeof messageVersionSchema>
// Rows are returned as stored: every column is part of the schema.
export const messageVersionResolver = resolve<MessageVersion, HookContext>({})

export const messageVersionQuerySchema = Type.Object(
  {
    message_id: Uuid,
    $limit: Type.Optional(queryLimit()),
    $skip: Type.Optional(querySkip())
  },
  { $id: 'MessageVersionQuery', additionalProperties: false }
)
export type MessageVersionQuery = Static<typeof messageVersionQuerySchema>
export const messageVersionQueryValidator = getValidator(messageVersionQuerySchema, queryValidator)

export interface MessageVersionPage {
  total: number
  limit: number
  skip: number
  data: MessageVersion[]
}
