// OpenAPI 3.1 for every REST service, generated from the services the app registered (app.services) and the
// TypeBox schemas in the docs registry. A registered service or method without docs is marked `x-undocumented`.
import { defaultServiceMethods, getServiceOptions } from '@feathersjs/feathers'
import type { Application } from '../declarations'
import { apiKeyScopes } from '../auth/scopes'
import { refTargets, serviceDocs } from './registry'
import type { ServiceDoc } from './registry'
import { componentStore, isStructured, pascal, queryProperties } from './schemas'
import type { JsonSchema } from './schemas'
import { errorResponses, errorSchema, securitySchemes } from './common'

// Operations anyone may call: registering, and logging in (everything else needs a token or an API key).
const PUBLIC = new Set(['users.create', 'authentication.create'])

const summaries: Record<string, string> = {
  find: 'List or search',
  get: 'Get one by id',
  create: 'Create',
  update: 'Replace',
  patch: 'Change some fields',
  remove: 'Remove'
}

// Feathers route placeholders (`:roomId`) become OpenAPI templates (`{roomId}`).
const routeOf = (path: string) => `/${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`
const routeParams = (path: string) =>
  [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' }
  }))

export const registeredMethods = (app: Application): Array<[string, string[]]> =>
  Object.entries(app.services as unknown as Record<string, unknown>).map(([path, service]) => [
    path,
    [...(getServiceOptions(service)?.methods ?? [])]
  ])

export const buildOpenApi = (app: Application, version = '0.1.0') => {
  const store = componentStore('#/components/schemas/', refTargets)
  const paths: Record<string, Record<string, JsonSchema>> = {}
  const tags: Array<{ name: string; description: string }> = []

  for (const [path, methods] of registeredMethods(app)) {
    const doc: ServiceDoc | undefined = serviceDocs[path]
    tags.push({ name: path, description: doc?.description ?? 'Not documented yet.' })
    const name = pascal(path)
    const schemaFor = (method: string): JsonSchema =>
      doc ? store.ref(doc.results?.[method] ?? doc.result, `${name}Result`) : {}
    const body = (schema: unknown, fallback: string) =>
      schema
        ? { required: true, content: { 'application/json': { schema: store.ref(schema as any, fallback) } } }
        : { required: true, content: { 'application/json': { schema: { type: 'object' } } } }

    for (const method of methods) {
      const custom = !defaultServiceMethods.includes(method)
      const key = `${path}.${method}`
      const scope = apiKeyScopes[path]?.[method]
      const notes = [
        doc?.notes?.[method],
        scope ? `API keys need the scope \`${scope}\`.` : 'API keys cannot call this.'
      ].filter(Boolean)
      const operation: JsonSchema = {
        tags: [path],
        operationId: `${path}_${method}`.replace(/[^A-Za-z0-9_]/g, '_'),
        summary: custom ? (doc?.custom?.[method]?.summary ?? method) : `${summaries[method]} (${path})`,
        description: notes.join(' '),
        'x-feathers-service': path,
        'x-feathers-method': method,
        parameters: [...routeParams(path)],
        responses: { ...errorResponses }
      }
      if (!doc) operation['x-undocumented'] = true
      if (scope) operation['x-api-key-scope'] = scope
      if (PUBLIC.has(key)) operation.security = []
      if (['get', 'update', 'patch', 'remove'].includes(method)) {
        operation.parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string' } })
      }
      if (['find', 'get', 'patch', 'remove'].includes(method) && doc?.query) {
        for (const [param, schema, required] of queryProperties(doc.query)) {
          if (method !== 'find' && !param.startsWith('$select')) continue
          operation.parameters.push({
            name: param,
            in: 'query',
            required: method === 'find' && required,
            schema,
            ...(isStructured(schema) ? { style: 'deepObject', explode: true } : {})
          })
        }
      }
      if (method === 'create') operation.requestBody = body(doc?.data, `${name}Data`)
      if (method === 'update') operation.requestBody = body(doc?.data, `${name}Data`)
      if (method === 'patch') operation.requestBody = body(doc?.patch, `${name}Patch`)
      if (custom) {
        operation.parameters.push({
          name: 'X-Service-Method',
          in: 'header',
          required: true,
          schema: { type: 'string', enum: [method] }
        })
        operation.requestBody = body(doc?.custom?.[method]?.data, `${name}${pascal(method)}Data`)
      }

      let result = schemaFor(method)
      if (method === 'find' && doc && (doc.find ?? 'page') === 'page') result = page(result)
      if (method === 'find' && doc?.find === 'list') result = { type: 'array', items: result }
      const status = method === 'create' ? '201' : '200'
      operation.responses = {
        [status]: { description: 'OK', content: { 'application/json': { schema: result } } },
        ...operation.responses
      }

      // Custom methods share the service's POST route; the header picks the method, so each gets its own key.
      const route = custom ? `${routeOf(path)}#${method}` : routeOf(path)
      const withId = ['get', 'update', 'patch', 'remove'].includes(method)
      const target = withId ? `${route}/{id}` : route
      const verb = custom ? 'post' : verbs[method]
      paths[target] = { ...paths[target], [verb]: operation }
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'ChatBoard REST API',
      version,
      description:
        'Every service is also available over Socket.IO with the same methods, data and errors (see /docs/asyncapi.json for the events). Errors are Feathers errors with a stable `data.code`.'
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    tags,
    paths,
    components: { schemas: { Error: errorSchema, ...store.schemas }, securitySchemes }
  }
}

const verbs: Record<string, string> = {
  find: 'get',
  get: 'get',
  create: 'post',
  update: 'put',
  patch: 'patch',
  remove: 'delete'
}

// `find` pages: the limit asked for ($limit, capped by the service's maximum), the offset, and the total count.
const page = (item: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['total', 'limit', 'skip', 'data'],
  properties: {
    total: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 0 },
    skip: { type: 'integer', minimum: 0 },
    data: { type: 'array', items: item }
  }
})
