// Random secrets and their one-way hashes: refresh tokens, invite tokens and API keys are stored hashed only.
import crypto from 'node:crypto'

export const randomToken = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url')

export const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex')

export const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}
