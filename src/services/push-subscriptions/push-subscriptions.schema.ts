// Push subscription schemas: a browser's PushSubscription (endpoint + keys) as the Push API gives it, and the
// devices of mine that the server pushes to (keys are never sent back).
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { queryLimit, querySkip } from '../../schemas/query'

const Uuid = Type.String({ format: 'uuid' })
const Base64Url = (minLength: number, maxLength: number) =>
  Type.String({ minLength, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$' })

export const pushSubscriptionSchema = Type.Object(
  {
    id: Uuid,
    user_id: Uuid,
    endpoint: Type.String(),
    user_agent: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.Any(),
    last_success_at: Type.Any()
  },
  { $id: 'PushSubscription', additionalProperties: false }
)
export type PushSubscription = Static<typeof pushSubscriptionSchema>

// The keys are the push service's secret for this device: stored for sending, never returned, not even to
// the device's owner.
export const pushSubscriptionResolver = resolve<
  PushSubscription & { p256dh?: string; auth?: string },
  HookContext
>({
  p256dh: async () => undefined,
  auth: async () => undefined
})

// PushSubscription.toJSON() of a browser: expirationTime is accepted and ignored (push services report
// expired subscriptions with 404/410, which removes them).
export const pushSubscriptionDataSchema = Type.Object(
  {
    endpoint: Type.String({ minLength: 8, maxLength: 2048 }),
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    keys: Type.Object(
      {
        // An uncompressed P-256 point (65 bytes) and a 16-byte secret, base64url.
        p256dh: Base64Url(86, 90),
        auth: Base64Url(21, 26)
      },
      { additionalProperties: false }
    )
  },
  { $id: 'PushSubscriptionData', additionalProperties: false }
)
export type PushSubscriptionData = Static<typeof pushSubscriptionDataSchema>
export const pushSubscriptionDataValidator = getValidator(pushSubscriptionDataSchema, dataValidator)

export const pushSubscriptionQuerySchema = Type.Object(
  {
    $limit: Type.Optional(queryLimit()),
    $skip: Type.Optional(querySkip())
  },
  { $id: 'PushSubscriptionQuery', additionalProperties: false }
)
export type PushSubscriptionQuery = Static<typeof pushSubscriptionQuerySchema>
export const pushSubscriptionQueryValidator = getValidator(pushSubscriptionQuerySchema, queryValidator)

// The page also carries the VAPID public key a browser needs for pushManager.subscribe({ applicationServerKey }).
export interface PushSubscriptionPage {
  total: number
  limit: number
  skip: number
  data: PushSubscription[]
  vapid_public_key: string
}
