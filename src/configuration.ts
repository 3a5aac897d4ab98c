// Typed application configuration, validated at start so a bad setting fails fast with a clear message.
import { Type, getValidator, defaultAppConfiguration } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator } from './validators'

export const configurationSchema = Type.Intersect([
  defaultAppConfiguration,
  Type.Object({
    host: Type.String(),
    port: Type.Number(),
    publicUrl: Type.String(),
    public: Type.String(),
    origins: Type.Array(Type.String()),
    database: Type.Object({
      url: Type.String(),
      dataDir: Type.String(),
      poolMax: Type.Number({ minimum: 1 })
    }),
    redisUrl: Type.String(),
    logLevel: Type.String(),
    trustProxy: Type.Boolean(),
    limits: Type.Object({
      nameLength: Type.Number({ minimum: 1 }),
      bioLength: Type.Number({ minimum: 1 }),
      loginPerEmail: Type.Number({ minimum: 1 }),
      loginPerIp: Type.Number({ minimum: 1 }),
      loginWindowSeconds: Type.Number({ minimum: 1 }),
      messageLength: Type.Number({ minimum: 1, maximum: 100000 }),
      unsendWindowSeconds: Type.Number({ minimum: 0 })
    }),
    invites: Type.Object({ ttlDays: Type.Number({ minimum: 0 }) })
  })
])

export type ApplicationConfiguration = Static<typeof configurationSchema>

export const configurationValidator = getValidator(configurationSchema, dataValidator)
