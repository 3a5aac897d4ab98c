// One delivery attempt: POST the signed JSON to the target. The target is re-checked every attempt (IP literals,
// localhost) and every connection resolves through the guarded lookup (DNS re-resolution cannot reach a private
// address); redirects are never followed (a 3xx is a failed attempt), so no hop can lead somewhere private.
import http from 'node:http'
import https from 'node:https'
import { EndpointRefused, checkEndpoint, guardedLookup } from '../notifications/net-guard'

export interface AttemptResult {
  ok: boolean
  status: number | null
  error: string | null
}

export interface AttemptOptions {
  timeoutMs: number
  allowPrivate: boolean
  signal?: AbortSignal
}

export const postWebhook = (
  target: string,
  body: string,
  headers: Record<string, string>,
  options: AttemptOptions
): Promise<AttemptResult> =>
  new Promise((resolve) => {
    let url: URL
    try {
      url = checkEndpoint(target, options.allowPrivate)
    } catch (error) {
      const message = error instanceof EndpointRefused ? error.message : String(error)
      return resolve({ ok: false, status: null, error: `refused: ${message}` })
    }
    let settled = false
    const finish = (result: AttemptResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      // A fresh connection per attempt: every attempt resolves (and checks) the name again.
      agent: false,
      lookup: guardedLookup(options.allowPrivate),
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'ChatBoard-Webhooks/1',
        ...headers
      }
    })
    const timer = setTimeout(
      () => request.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs
    )
    const onAbort = () => request.destroy(new Error('aborted: the server is shutting down'))
    options.signal?.addEventListener('abort', onAbort)
    request.on('response', (response) => {
      const status = response.statusCode ?? 0
      // The body is not needed; reading it to the end (within the timeout) lets the receiver finish cleanly.
      response.resume()
      const done = () => {
        const ok = status >= 200 && status < 300
        const error = ok
          ? null
          : status >= 300 && status < 400
            ? `HTTP ${status}: redirects are not followed`
            : `HTTP ${status}`
        finish({ ok, status, error })
      }
      response.once('end', done)
      response.once('close', done)
      response.once('error', done)
    })
    request.on('error', (error: any) =>
      finish({ ok: false, status: null, error: String(error?.message ?? error) })
    )
    request.end(body)
  })
