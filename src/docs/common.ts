// Parts both API documents share: how callers authenticate and what an error looks like.
import type { JsonSchema } from './schemas'

export const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The accessToken from POST /authentication (15 minutes; renew with the refresh strategy).'
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An org API key (REST only); it may call only what its scopes allow.'
  }
}

export const errorSchema: JsonSchema = {
  type: 'object',
  description: 'A Feathers error. Branch on `data.code`, which is stable; `message` is for people.',
  required: ['name', 'message', 'code', 'className'],
  properties: {
    name: { type: 'string', examples: ['BadRequest'] },
    message: { type: 'string' },
    code: { type: 'integer', description: 'The HTTP status' },
    className: { type: 'string', examples: ['bad-request'] },
    data: {
      type: 'object',
      required: ['code'],
      properties: { code: { type: 'string', examples: ['validation_error', 'not_found', 'role_required'] } },
      additionalProperties: true
    },
    errors: {}
  }
}

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
})

export const errorResponses: Record<string, JsonSchema> = {
  '400': error('Bad input (data.code says which: validation_error, …)'),
  '401': error('No or invalid credentials (not_authenticated)'),
  '403': error('Not allowed (role_required, no_org, scope_missing, …)'),
  '404': error('Not found, or another org’s id (never revealed)'),
  '429': error('Rate limited (rate_limited); see Retry-After'),
  '500': error('Server error (internal)')
}
