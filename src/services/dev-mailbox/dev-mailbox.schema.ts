// Dev mailbox schemas: the emails the app would have sent to me, kept when no SMTP server is configured.
import { resolve, virtual } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'

const Uuid = Type.String({ format: 'uuid' })

export const devMailSchema = Type.Object(
  {
    id: Uuid,
    to: Type.String(),
    from: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    html: Type.String(),
    created_at: Type.Any()
  },
  { $id: 'DevMail', additionalProperties: false }
)
export type DevMail = Static<typeof devMailSchema>

// The stored row: the same mail with the owner and the address columns' own names.
type DevMailRow = DevMail & { to_address?: string; from_address?: string; user_id?: string | null }

// A dev_mailbox row as the reader sees it: addresses as to/from, without the owner column.
export const devMailResolver = resolve<DevMailRow, HookContext>({
  to: virtual(async (row) => row.to_address!),
  from: virtual(async (row) => row.from_address!),
  to_address: async () => undefined,
  from_address: async () => undefined,
  user_id: async () => undefined
})

export const devMailQuerySchema = Type.Object(
  {
    $limit: Type.Optional(queryLimit()),
    $skip: Type.Optional(querySkip())
  },
  { $id: 'DevMailQuery', additionalProperties: false }
)
export type DevMailQuery = Static<typeof devMailQuerySchema>
export const devMailQueryValidator = getValidator(devMailQuerySchema, queryValidator)

export interface DevMailPage {
  total: number
  limit: number
  skip: number
  data: DevMail[]
}
