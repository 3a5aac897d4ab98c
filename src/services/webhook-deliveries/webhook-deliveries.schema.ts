// Webhook delivery schemas: the delivery as an admin inspects it, the ping (create) and redeliver (patch) bodies
// and the listing query.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'
import { PING_EVENT, WEBHOOK_EVENTS } from '../../webhooks/events'

const Timestamp = Type.Any({ description: 'ISO 8601 date-time (UTC)' })
const Status = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sent'),
  Type.Literal('failed'),
  Type.Literal('dead')
])

export const webhookDeliverySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    webhook_id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    // The event's id: the same in every attempt and every redelivery (receivers deduplicate on it).
    event_id: Type.String({ format: 'uuid' }),
    event_type: Type.String(),
    // The event's `data`, as sent.
    data: Type.Any(),
    event_created_at: Timestamp,
    status: Status,
    attempts: Type.Number(),
    next_attempt_at: Timestamp,
    retry_from: Timestamp,
    last_attempt_at: Timestamp,
    response_code: Type.Union([Type.Number(), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()]),
    delivered_at: Timestamp,
    created_at: Timestamp
  },
  { $id: 'WebhookDelivery', additionalProperties: false }
)
export type WebhookDelivery = Static<typeof webhookDeliverySchema>
export const webhookDeliveryResolver = resolve<WebhookDelivery, HookContext>({})

// A test ping to one webhook: { webhook_id, type: 'ping' }.
export const webhookDeliveryDataSchema = Type.Object(
  {
    webhook_id: Type.String({ format: 'uuid' }),
    type: Type.Literal(PING_EVENT)
  },
  { $id: 'WebhookDeliveryData', additionalProperties: false }
)
export type WebhookDeliveryData = Static<typeof webhookDeliveryDataSchema>
export const webhookDeliveryDataValidator = getValidator(webhookDeliveryDataSchema, dataValidator)

// Send it again now (same event id), whatever its status; its retry window starts afresh.
export const webhookDeliveryPatchSchema = Type.Object(
  { redeliver: Type.Literal(true) },
  { $id: 'WebhookDeliveryPatch', additionalProperties: false }
)
export type WebhookDeliveryPatch = Static<typeof webhookDeliveryPatchSchema>
export const webhookDeliveryPatchValidator = getValidator(webhookDeliveryPatchSchema, dataValidator)

export const webhookDeliveryQueryProperties = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    org_id: Type.String({ format: 'uuid' }),
    webhook_id: Type.String({ format: 'uuid' }),
    event_id: Type.String({ format: 'uuid' }),
    event_type: Type.String({ enum: [...WEBHOOK_EVENTS, PING_EVENT] }),
    status: Status,
    created_at: QueryDateTime
  },
  { additionalProperties: false }
)
export const webhookDeliveryQuerySchema = strictQuerySyntax(webhookDeliveryQueryProperties)
export type WebhookDeliveryQuery = Static<typeof webhookDeliveryQuerySchema>
export const webhookDeliveryQueryValidator = getValidator(webhookDeliveryQuerySchema, queryValidator)
