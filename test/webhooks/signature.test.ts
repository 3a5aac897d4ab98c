// The receivers' signature helper (src/webhook-signature.ts, exported by src/client.ts) against the server's
// signer: valid within the tolerance window only, any of several secrets, malformed headers never throw.
import assert from 'node:assert/strict'
import { computeWebhookSignature, parseWebhookSignature, verifyWebhookSignature } from '../../src/client'
import { signatureHeader } from '../../src/webhooks/sign'

describe('webhooks: signature verification helper', () => {
  const body = JSON.stringify({
    id: 'e1',
    type: 'ping',
    created_at: '2026-01-01T00:00:00.000Z',
    org_id: 'o',
    data: {}
  })
  const t = 1_800_000_000
  const now = t * 1000

  it('verifies what the server signs, with the same hex as the server', async () => {
    const header = signatureHeader(['whsec_a'], t, body)
    assert.equal(header, `t=${t},v1=${await computeWebhookSignature('whsec_a', t, body)}`)
    assert.ok(await verifyWebhookSignature({ body, header, secret: 'whsec_a', now }))
  })

  it('honours the tolerance window, both ways', async () => {
    const header = signatureHeader(['whsec_a'], t, body)
    assert.ok(await verifyWebhookSignature({ body, header, secret: 'whsec_a', now: now + 300_000 }))
    assert.ok(await verifyWebhookSignature({ body, header, secret: 'whsec_a', now: now - 300_000 }))
    assert.equal(await verifyWebhookSignature({ body, header, secret: 'whsec_a', now: now + 301_000 }), false)
    assert.equal(await verifyWebhookSignature({ body, header, secret: 'whsec_a', now: now - 301_000 }), false)
    assert.ok(
      await verifyWebhookSignature({
        body,
        header,
        secret: 'whsec_a',
        now: now + 3_600_000,
        toleranceSeconds: 3600
      })
    )
  })

  it('accepts any live secret and any v1 (rotation), and rejects tampering', async () => {
    const header = signatureHeader(['whsec_new', 'whsec_old'], t, body)
    assert.ok(await verifyWebhookSignature({ body, header, secret: 'whsec_old', now }))
    assert.ok(await verifyWebhookSignature({ body, header, secret: ['whsec_other', 'whsec_new'], now }))
    assert.equal(await verifyWebhookSignature({ body, header, secret: 'whsec_other', now }), false)
    assert.equal(
      await verifyWebhookSignature({ body: body.replace('ping', 'pong'), header, secret: 'whsec_new', now }),
      false
    )
    // The timestamp is signed too: moving it breaks the signature.
    const moved = header.replace(`t=${t}`, `t=${t + 1}`)
    assert.equal(await verifyWebhookSignature({ body, header: moved, secret: 'whsec_new', now }), false)
  })

  it('treats missing or malformed headers as invalid without throwing', async () => {
    for (const header of [
      undefined,
      null,
      '',
      't=',
      'v1=abc',
      `t=${t}`,
      `t=x,v1=${'0'.repeat(64)}`,
      'garbage,,='
    ]) {
      assert.equal(
        await verifyWebhookSignature({ body, header, secret: 'whsec_a', now }),
        false,
        String(header)
      )
    }
    assert.equal(parseWebhookSignature('t=1,v1=zz'), null)
    assert.deepEqual(parseWebhookSignature(`t=5, v1=${'a'.repeat(64)}, v0=ignored`), {
      timestamp: 5,
      signatures: ['a'.repeat(64)]
    })
  })
})
