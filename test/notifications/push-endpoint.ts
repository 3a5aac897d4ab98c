// The receiving side of web push for the push suites: a push service stand-in on loopback, a browser's
// subscription keys, decryption of aes128gcm bodies and verification of VAPID signatures.
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface PushRequest {
  path: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

// A push service stand-in on loopback: records each POST and answers 201, or what `status` says for a path.
export const startPushEndpoint = async () => {
  const requests: PushRequest[] = []
  const waiters: Array<() => void> = []
  const status = new Map<string, number>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) })
      res.statusCode = status.get(req.url ?? '') ?? 201
      res.end()
      waiters.splice(0).forEach((wake) => wake())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    requests,
    status,
    to: (path: string) => requests.filter((r) => r.path === path),
    waitFor: async (path: string, count = 1, timeoutMs = 10000) => {
      const until = Date.now() + timeoutMs
      while (requests.filter((r) => r.path === path).length < count) {
        const left = until - Date.now()
        if (left <= 0) throw new Error(`fewer than ${count} pushes to ${path} arrived`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      return requests.filter((r) => r.path === path)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

// A browser's side of a push subscription: a P-256 key pair and an auth secret, as PushManager makes them.
export const browserKeys = () => {
  const ecdh = crypto.createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = crypto.randomBytes(16)
  return {
    ecdh,
    auth,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') }
  }
}

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) =>
  Buffer.from(crypto.hkdfSync('sha256', ikm, salt, info, length))

// Decrypts an aes128gcm web push body (RFC 8291 over RFC 8188) as the browser would.
export const decryptPush = (body: Buffer, browser: ReturnType<typeof browserKeys>) => {
  const salt = body.subarray(0, 16)
  const idLength = body[20]
  const serverKey = body.subarray(21, 21 + idLength)
  const ciphertext = body.subarray(21 + idLength)
  const shared = browser.ecdh.computeSecret(serverKey)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), browser.ecdh.getPublicKey(), serverKey])
  const ikm = hkdf(browser.auth, shared, keyInfo, 32)
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16)
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12)
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final()
  ])
  // The last record ends with the delimiter 0x02 followed by zero padding.
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (padded[end] !== 2) throw new Error('no last-record delimiter')
  return JSON.parse(padded.subarray(0, end).toString('utf8'))
}

// Checks a `vapid t=<jwt>, k=<key>` Authorization header: the JWT is ES256-signed by k; returns its claims.
export const verifyVapid = (authorization: string) => {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization)
  if (!match) throw new Error(`not a VAPID authorization: ${authorization}`)
  const [, token, key] = match
  const point = Buffer.from(key, 'base64url')
  const publicKey = crypto.createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url')
    },
    format: 'jwk'
  })
  const [header, payload, signature] = token.split('.')
  const valid = crypto.verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url')
  )
  if (!valid) throw new Error('VAPID signature does not verify')
  return { key, claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) }
}
