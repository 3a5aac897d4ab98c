// Webhook signatures for receivers: `ChatBoard-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
// (a second v1 while a rotated secret is still in its overlap). WebCrypto only, so it runs in Node 20+, browsers,
// Deno and edge runtimes alike; the server signs with the same recipe (src/webhooks/sign.ts).

export const WEBHOOK_SIGNATURE_HEADER = 'ChatBoard-Signature'
export const WEBHOOK_EVENT_HEADER = 'ChatBoard-Event'
export const WEBHOOK_DELIVERY_HEADER = 'ChatBoard-Delivery'
export const WEBHOOK_EVENT_ID_HEADER = 'ChatBoard-Event-Id'
// Five minutes either way, as Stripe does: long enough for clock skew, short enough to stop old replays.
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300

export interface ParsedSignature {
  timestamp: number
  signatures: string[]
}

// `t=...,v1=...[,v1=...]`; unknown schemes are ignored so a later v2 does not break old receivers.
export const parseWebhookSignature = (header: string): ParsedSignature | null => {
  let timestamp = NaN
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2)
    if (key === 't' && /^\d{1,12}$/.test(value ?? '')) timestamp = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')) signatures.push(value)
  }
  return Number.isFinite(timestamp) && signatures.length > 0 ? { timestamp, signatures } : null
}

const hex = (buffer: ArrayBuffer) =>
  Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('')

export const computeWebhookSignature = async (secret: string, timestamp: number, body: string) => {
  const encoder = new TextEncoder()
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign']
  )
  return hex(await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(`${timestamp}.${body}`)))
}

// Constant time over equal-length hex strings: a mismatch position leaks nothing through timing.
const safeEqual = (a: string, b: string) => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

export interface VerifyWebhookOptions {
  // The raw request body exactly as received (not re-serialized JSON).
  body: string
  // The ChatBoard-Signature header.
  header: string | null | undefined
  // The webhook's signing secret (`whsec_...`), or several while you roll yours.
  secret: string | string[]
  toleranceSeconds?: number
  // For tests: the current time in ms.
  now?: number
}

// true only when some v1 matches some secret AND the timestamp is within the tolerance window.
export const verifyWebhookSignature = async (options: VerifyWebhookOptions): Promise<boolean> => {
  const parsed = parseWebhookSignature(options.header ?? '')
  if (!parsed) return false
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000)
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) return false
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret]
  for (const secret of secrets) {
    const expected = await computeWebhookSignature(secret, parsed.timestamp, options.body)
    if (parsed.signatures.some((signature) => safeEqual(signature, expected))) return true
  }
  return false
}
