// Server-side request forgery: with webhooks.allowPrivateTargets off, private, loopback and link-local targets
// are refused at create and patch (IP literals, localhost), at connect time after DNS resolution (a name that
// resolves to a private address), and a redirect is never followed (so no hop can lead somewhere private).
import assert from 'node:assert/strict'
import dns from 'node:dns/promises'
import http from 'node:http'
import os from 'node:os'
import type { AddressInfo } from 'node:net'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { api, bearer, createOrg } from '../helpers/fixtures'
import { isPrivateAddress } from '../../src/notifications/net-guard'
import { postWebhook } from '../../src/webhooks/deliver'
import { Receiver } from './receiver'

describe('webhooks: private targets refused', function () {
  this.timeout(30000)
  let strict: TestServer
  before(async () => {
    strict = await startServer({
      webhooks: { ...sharedServer().app.get('webhooks'), allowPrivateTargets: false, pollMs: 60000 }
    })
  })
  after(async () => {
    await strict?.stop()
  })

  it('refuses private IP literals, localhost and plain http at create and patch (400 target_not_allowed)', async () => {
    const { admin } = await createOrg(strict.url)
    const auth = bearer(admin.accessToken)
    for (const target of [
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://api.localhost/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.1.2.3/hook',
      'https://172.16.0.1/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/hook',
      'https://0.0.0.0/hook',
      'https://2130706433/hook',
      'http://example.com/hook',
      'https://user:pass@example.com/hook'
    ]) {
      const res = await api(strict.url, 'POST', '/webhooks', { url: target, events: ['room.created'] }, auth)
      assert.equal(res.status, 400, `${target}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.data.code, 'target_not_allowed', target)
    }
    const ok = await api(
      strict.url,
      'POST',
      '/webhooks',
      { url: 'https://hooks.example.com/chatboard', events: ['room.created'] },
      auth
    )
    assert.equal(ok.status, 201, JSON.stringify(ok.body))
    const patched = await api(
      strict.url,
      'PATCH',
      `/webhooks/${ok.body.id}`,
      { url: 'https://127.0.0.1/x' },
      auth
    )
    assert.equal(patched.status, 400)
    assert.equal(patched.body.data.code, 'target_not_allowed')
  })

  it('refuses at connect time a name that resolves to a private address', async function () {
    // This machine's own name resolves to a private or loopback address on practically every host and CI box.
    const name = os.hostname()
    const addresses = await dns.lookup(name, { all: true }).catch(() => [])
    if (addresses.length === 0 || !addresses.every((a) => isPrivateAddress(a.address))) {
      this.skip() // no local name with only private addresses to test with here
    }
    const result = await postWebhook(
      `https://${name}:9/hook`,
      '{}',
      {},
      { timeoutMs: 2000, allowPrivate: false }
    )
    assert.equal(result.ok, false)
    assert.match(String(result.error), /resolves to a private address/)
  })

  it('does not follow redirects: a 3xx is a failed attempt and the next hop gets nothing', async () => {
    const target = await new Receiver().start()
    const redirector = http.createServer((_req, res) => res.writeHead(307, { location: target.url }).end())
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = redirector.address() as AddressInfo
      const result = await postWebhook(
        `http://127.0.0.1:${port}/`,
        '{}',
        {},
        { timeoutMs: 2000, allowPrivate: true }
      )
      assert.equal(result.ok, false)
      assert.equal(result.status, 307)
      assert.match(String(result.error), /redirects are not followed/)
      assert.equal(target.received.length, 0)
    } finally {
      redirector.close()
      await target.stop()
    }
  })
})
