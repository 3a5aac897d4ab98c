// Server-side signing, the same recipe as the receivers' helper in src/webhook-signature.ts (which uses
// WebCrypto for portability): HMAC-SHA256 over "<unix seconds>.<body>", hex, one v1 per live secret.
import crypto from 'node:crypto'

export const signatureHeader = (secrets: string[], timestamp: number, body: string) =>
  [
    `t=${timestamp}`,
    ...secrets.map(
      (secret) => `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
    )
  ].join(',')

// `whsec_` + 32 random bytes, as Stripe shapes them: recognizable in logs and secret scanners.
export const generateSecret = () => `whsec_${crypto.randomBytes(32).toString('base64url')}`
