// The API documents: OpenAPI and AsyncAPI are valid, cover every registered service method and every catalogue
// event, and Swagger UI at /docs loads with its assets from the server itself.
import assert from 'node:assert/strict'
import { feathers, getServiceOptions } from '@feathersjs/feathers'
import { chromium } from 'playwright-core'
import { sharedServer } from '../helpers/server'
import { events, wireName } from '../../src/realtime/events'
import { buildOpenApi } from '../../src/docs/openapi'
import { callChannel, eventChannel } from '../../src/docs/asyncapi'

const getJson = async (path: string) => {
  const res = await fetch(`${sharedServer().url}${path}`)
  assert.equal(res.status, 200, path)
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, path)
  return res.json() as Promise<any>
}

// Every operation of the document, keyed `service.method` from the generator's x-feathers-* marks.
const operationsOf = (doc: any) => {
  const found = new Map<string, any>()
  for (const item of Object.values<any>(doc.paths)) {
    for (const operation of Object.values<any>(item)) {
      found.set(`${operation['x-feathers-service']}.${operation['x-feathers-method']}`, operation)
    }
  }
  return found
}

const registered = () =>
  Object.entries(sharedServer().app.services as unknown as Record<string, unknown>).flatMap(
    ([path, service]) => (getServiceOptions(service)?.methods ?? []).map((method) => `${path}.${method}`)
  )

describe('API documentation', () => {
  it('serves an OpenAPI document that the OpenAPI schema validator accepts', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator')
    const validator = new Validator()
    const result = await validator.validate(await getJson('/docs/openapi.json'))
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2))
    // Every $ref points at something.
    assert.doesNotThrow(() => validator.resolveRefs())
  })

  it('documents every registered service method with schemas from the registry', async () => {
    const doc = await getJson('/docs/openapi.json')
    const operations = operationsOf(doc)
    const methods = registered()
    assert.ok(methods.length > 40, 'the app registers its services')
    const missing = methods.filter((key) => !operations.has(key))
    const undocumented = methods.filter((key) => operations.get(key)?.['x-undocumented'])
    assert.deepEqual(missing, [], 'registered methods missing from the OpenAPI document')
    assert.deepEqual(undocumented, [], 'registered services missing from src/docs/registry.ts')
    for (const key of methods) {
      const operation = operations.get(key)
      const success = operation.responses['200'] ?? operation.responses['201']
      assert.ok(success.content['application/json'].schema, `${key} has a result schema`)
      assert.equal(
        operation.responses['400'].content['application/json'].schema.$ref,
        '#/components/schemas/Error'
      )
    }
    assert.ok(doc.components.securitySchemes.bearerAuth && doc.components.securitySchemes.apiKey)
  })

  it('describes find pages, query parameters, public operations and API key scopes', async () => {
    const operations = operationsOf(await getJson('/docs/openapi.json'))
    const find = operations.get('messages.find')
    const page = find.responses['200'].content['application/json'].schema
    assert.deepEqual(page.required, ['total', 'limit', 'skip', 'data'])
    assert.equal(page.properties.data.items.$ref, '#/components/schemas/Message')
    assert.ok(find.parameters.some((p: any) => p.name === 'room_id' && p.in === 'query' && p.required))
    assert.deepEqual(operations.get('users.create').security, [])
    assert.deepEqual(operations.get('authentication.create').security, [])
    assert.equal(operations.get('audit-logs.find')['x-api-key-scope'], 'audit:read')
    assert.equal(operations.get('analytics.find')['x-api-key-scope'], 'analytics:read')
  })

  it('marks a service that the registry does not know as undocumented (so the test above fails for it)', () => {
    const probe = feathers()
    probe.use(
      'made-up',
      {
        async find() {
          return []
        },
        async frobnicate() {
          return {}
        }
      } as any,
      {
        methods: ['find', 'frobnicate']
      }
    )
    const operations = operationsOf(buildOpenApi(probe as any))
    assert.equal(operations.get('made-up.find')['x-undocumented'], true)
    assert.equal(operations.get('made-up.frobnicate')['x-undocumented'], true)
  })

  it('documents services with route parameters (the OAuth routes, when a provider is configured)', async () => {
    const probe = feathers()
    for (const path of ['oauth/:provider', 'oauth/:provider/callback']) {
      probe.use(
        path,
        {
          async find() {
            return {}
          },
          async get() {
            return {}
          }
        } as any,
        { methods: ['find', 'get'] }
      )
    }
    const doc = buildOpenApi(probe as any)
    const { Validator } = await import('@seriousme/openapi-schema-validator')
    const result = await new Validator().validate(doc)
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2))
    const get = doc.paths['/oauth/{provider}/callback/{id}'].get
    assert.deepEqual(
      get.parameters.map((p: any) => [p.name, p.in]),
      [
        ['provider', 'path'],
        ['id', 'path']
      ]
    )
    assert.equal(get['x-undocumented'], undefined)
  })

  it('serves an AsyncAPI document that the AsyncAPI parser accepts, with every catalogue event', async function () {
    // The parser lints the whole document (a few seconds on a busy machine).
    this.timeout(120_000)
    const { Parser } = await import('@asyncapi/parser')
    const doc = await getJson('/docs/asyncapi.json')
    const diagnostics = await new Parser().validate(doc)
    const errors = diagnostics.filter((d: any) => d.severity === 0)
    assert.deepEqual(errors, [], JSON.stringify(errors, null, 2))
    for (const [key, spec] of Object.entries(events)) {
      const channel = doc.channels[eventChannel(wireName(key))]
      assert.ok(channel?.subscribe, `channel for ${key}`)
      const refs = channel.subscribe.message.oneOf.map((m: any) => m.$ref.split('/').pop())
      const message = refs
        .map((name: string) => doc.components.messages[name])
        .find((m: any) => m.title === key)
      assert.ok(message, `message for ${key}`)
      assert.equal(message['x-audience'], spec.audience)
      assert.ok(doc.components.schemas[message.payload.$ref.split('/').pop()], `payload schema of ${key}`)
    }
    for (const key of registered()) {
      const [path, method] = key.split('.')
      assert.ok(doc.channels[callChannel(path, method)]?.publish, `client call ${key}`)
    }
  })

  it('serves Swagger UI at /docs with no inline script, and every asset it names loads', async () => {
    const { url } = sharedServer()
    for (const page of ['/docs', '/docs/']) {
      const res = await fetch(`${url}${page}`)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
      const csp = res.headers.get('content-security-policy') ?? ''
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? ''
      assert.match(scriptSrc, /'self'/)
      assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval|\*/, 'scripts only from the server itself')
      const html = await res.text()
      assert.doesNotMatch(html, /<script>|<style>|https?:\/\//, 'no inline code, nothing from another host')
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
      assert.ok(assets.length >= 5, 'css, icon, bundle, preset and initializer')
      for (const asset of assets) {
        const loaded = await fetch(`${url}${asset}`)
        const type = loaded.headers.get('content-type') ?? ''
        assert.equal(loaded.status, 200, asset)
        const expected = asset.endsWith('.js')
          ? /^text\/javascript/
          : asset.endsWith('.css')
            ? /^text\/css/
            : /^image\/png/
        assert.match(type, expected, asset)
        assert.ok((await loaded.arrayBuffer()).byteLength > 100, `${asset} has content`)
      }
    }
    const init = await (await fetch(`${url}/docs/init.js`)).text()
    assert.match(init, /SwaggerUIBundle\(/)
    const missing = await fetch(`${url}/docs/..%2Fpackage.json`)
    assert.equal(missing.status, 404)
  })

  it('renders Swagger UI in Chromium with every operation and no console error (CSP included)', async function () {
    this.timeout(120_000)
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu']
    })
    try {
      const page = await browser.newPage()
      const problems: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text())
      })
      page.on('pageerror', (e) => problems.push(e.message))
      await page.goto(`${sharedServer().url}/docs`)
      await page.waitForSelector('.swagger-ui .info .title', { timeout: 60_000 })
      assert.match((await page.textContent('.swagger-ui .info .title')) ?? '', /ChatBoard REST API/)
      const operations = (await getJson('/docs/openapi.json')).paths
      const count = Object.values<any>(operations).reduce((n, item) => n + Object.keys(item).length, 0)
      assert.equal(await page.locator('.opblock').count(), count)
      assert.deepEqual(problems, [])
    } finally {
      await browser.close()
    }
  })
})
