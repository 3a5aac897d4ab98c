// Signed, expiring URLs of the local-disk driver: HMAC-SHA256 over method, upload id and expiry with a server
// secret, compared in constant time. The URL is the capability: it is only handed to the owner (upload) and to
// members of a room whose message carries the file (download), and it expires quickly.
import crypto from 'node:crypto'

export type SignedMethod = 'GET' | 'PUT'

const mac = (secret: Buffer, method: SignedMethod, id: string, expires: number) =>
  crypto.createHmac('sha256', secret).update(`${method}\n${id}\n${expires}`).digest()

export const sign = (secret: Buffer, method: SignedMethod, id: string, expires: number) =>
  mac(secret, method, id, expires).toString('base64url')

export type Verdict = 'ok' | 'expired' | 'bad_signature'

// Expiry is checked after the signature, so a forged expiry is reported as what it is.
export const verify = (
  secret: Buffer,
  method: SignedMethod,
  id: string,
  expires: number,
  signature: string,
  now = Date.now()
): Verdict => {
  if (!Number.isSafeInteger(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return 'bad_signature'
  const expected = mac(secret, method, id, expires)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'bad_signature'
  return expires * 1000 <= now ? 'expired' : 'ok'
}

// The key: the configured secret, or one derived from the authentication secret (never the same bytes).
export const signingKey = (configured: string, authSecret: string) =>
  crypto
    .createHmac('sha256', configured || authSecret)
    .update('chatboard uploads v1')
    .digest()
