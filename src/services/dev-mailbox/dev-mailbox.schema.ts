// Dev mailbox schemas: the emails the app would have sent to me, kept when no SMTP server is configured.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../validators'

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

export const devMailQuerySchema = Type.Object(
  {
    $limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 }))
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
