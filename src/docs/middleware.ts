// Serves the API documents (/docs/openapi.json, /docs/asyncapi.json) and Swagger UI at /docs, with Swagger
// UI's files from the installed swagger-ui-dist package (no CDN) and no inline script (the CSP forbids it).
import fs from 'node:fs'
import path from 'node:path'
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'
import { buildOpenApi } from './openapi'
import { buildAsyncApi } from './asyncapi'

const PREFIX = '/docs'

// Only these files of the package are served: a fixed list cannot be walked out of with `..`.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png'
}

// The page and its initializer: the document URL is taken relative to the script, so a path prefix added by a
// reverse proxy still works.
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>ChatBoard API</title>
    <link rel="stylesheet" href="${PREFIX}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${PREFIX}/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${PREFIX}/swagger-ui-bundle.js"></script>
    <script src="${PREFIX}/swagger-ui-standalone-preset.js"></script>
    <script src="${PREFIX}/init.js"></script>
  </body>
</html>
`
const INIT = `// Starts Swagger UI on ChatBoard's OpenAPI document (served by src/docs/middleware.ts).
;(function () {
  var documentUrl = new URL('openapi.json', document.currentScript.src).href
  window.ui = SwaggerUIBundle({
    url: documentUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout'
  })
})()
`

export const docs = (app: Application): Middleware => {
  // The package's folder, found without loading its index (which would load the 1.5 MB browser bundle).
  const assetDir = path.dirname(require.resolve('swagger-ui-dist/package.json'))
  const version: string = (() => {
    try {
      return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version
    } catch {
      return '0.0.0'
    }
  })()
  // Built on first request: services are registered after this middleware, and they do not change later.
  let openapi: string | undefined
  let asyncapi: string | undefined

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()
    const route = ctx.path.replace(/\/$/, '')
    if (route !== PREFIX && !route.startsWith(`${PREFIX}/`)) return next()
    const file = route.slice(PREFIX.length + 1)
    if (route === PREFIX) {
      ctx.type = 'text/html; charset=utf-8'
      ctx.body = PAGE
      // Swagger UI injects one <style> element at run time; scripts stay 'self' only.
      const csp = ctx.response.get('content-security-policy')
      if (csp)
        ctx.set('content-security-policy', csp.replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'"))
    } else if (file === 'init.js') {
      ctx.type = 'text/javascript; charset=utf-8'
      ctx.body = INIT
    } else if (file === 'openapi.json') {
      openapi ??= JSON.stringify(buildOpenApi(app, version))
      ctx.type = 'application/json; charset=utf-8'
      ctx.body = openapi
    } else if (file === 'asyncapi.json') {
      asyncapi ??= JSON.stringify(buildAsyncApi(app, version))
      ctx.type = 'application/json; charset=utf-8'
      ctx.body = asyncapi
    } else if (ASSETS[file]) {
      ctx.type = ASSETS[file]
      ctx.set('cache-control', 'public, max-age=86400')
      ctx.body = fs.createReadStream(path.join(assetDir, file))
    } else {
      return next()
    }
  }
}
