// Webhook schemas: the create body, the patch (events, active, url, description, rotate_secret), the row callers
// see and the listing query. The signing secret only appears in the answer of create and of a rotation.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'
import { WEBHOOK_EVENTS } from '../../webhooks/events'

const Timestamp = Type.Any({ description: 'ISO 8601 date-time (UTC)' })
const Url = Type.String({ minLength: 8, maxLength: 2048 })
const Events = Type.Array(Type.String({ enum: [...WEBHOOK_EVENTS] }), {
  minItems: 1,
  maxItems: WEBHOOK_EVENTS.length,
  uniqueItems: true
})

export const webhookSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    url: Type.String(),
    description: Type.String(),
    events: Type.Array(Type.String()),
    active: Type.Boolean(),
    // Why it was switched off automatically (null when active or turned off by a person).
    disabled_reason: Type.Union([Type.String(), Type.Null()]),
    created_by: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    // Only in the answer of create and of patch { rotate_secret: true }.
    secret: Type.Optional(Type.String()),
    // Until then, deliveries carry a second v1 signature made with the previous secret.
    previous_secret_expires_at: Type.Optional(Timestamp),
    previous_secret: Type.Optional(Type.String()),
    dead_streak: Type.Optional(Type.Number())
  },
  { $id: 'Webhook', additionalProperties: false }
)
export type Webhook = Static<typeof webhookSchema>

// The secret leaves the server once: the class sets params.revealSecret on create and rotation only.
export const webhookResolver = resolve<Webhook, HookContext>({
  secret: async (value, _row, context) => (context.params.revealSecret ? value : undefined),
  previous_secret: async () => undefined,
  dead_streak: async () => undefined
})

export const webhookDataSchema = Type.Object(
  {
    url: Url,
    events: Events,
    active: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 200 }))
  },
  { $id: 'WebhookData', additionalProperties: false }
)
export type WebhookData = Static<typeof webhookDataSchema>
export const webhookDataValidator = getValidator(webhookDataSchema, dataValidator)

export const webhookPatchSchema = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    active: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    // A new secret, shown in the answer; the old one keeps signing for webhooks.secretOverlapMs.
    rotate_secret: Type.Optional(Type.Literal(true))
  },
  { $id: 'WebhookPatch', additionalProperties: false, minProperties: 1 }
)
export type WebhookPatch = Static<typeof webhookPatchSchema>
export const webhookPatchValidator = getValidator(webhookPatchSchema, dataValidator)

export const webhookQueryProperties = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    active: Type.Boolean(),
    created_at: QueryDateTime
  },
  { additionalProperties: false }
)
export const webhookQuerySchema = strictQuerySyntax(webhookQueryProperties)
export type WebhookQuery = Static<typeof webhookQuerySchema>
export const webhookQueryValidator = getValidator(webhookQuerySchema, queryValidator)

declare module '@feathersjs/feathers' {
  interface Params {
    revealSecret?: boolean
  }
}
