// API keys and webhooks: a key with webhooks:manage manages its own org's webhooks and deliveries; a key
// without that scope gets 403 scope_missing; the audit log names the key.
import assert from 'node:assert/strict'
import { sharedServer } from '../helpers/server'
import { api } from '../helpers/fixtures'
import { newKey, withKey } from '../services/api-keys/helpers'
import { hookOrg } from './helpers'

describe('webhooks with API keys [rest]', () => {
  it('webhooks:manage manages; any other scope is refused with 403 scope_missing', async () => {
    const url = sharedServer().url
    const org = await hookOrg(url)
    const manager = await newKey(url, org.admin, ['webhooks:manage'])
    const reader = await newKey(url, org.admin, ['users:read', 'audit:read'])
    const body = { url: 'http://127.0.0.1:9/hook', events: ['message.created'] }
    const created = await api(url, 'POST', '/webhooks', body, withKey(manager.key))
    assert.equal(created.status, 201, JSON.stringify(created.body))
    assert.equal(created.body.org_id, org.orgId)
    assert.match(created.body.secret, /^whsec_/)
    const id = created.body.id
    for (const [method, path, data] of [
      ['GET', '/webhooks', undefined],
      ['GET', `/webhooks/${id}`, undefined],
      ['POST', '/webhooks', body],
      ['PATCH', `/webhooks/${id}`, { active: false }],
      ['DELETE', `/webhooks/${id}`, undefined],
      ['GET', '/webhook-deliveries', undefined],
      ['POST', '/webhook-deliveries', { webhook_id: id, type: 'ping' }]
    ] as const) {
      const res = await api(url, method, path, data, withKey(reader.key))
      assert.equal(res.status, 403, `${method} ${path}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.data.code, 'scope_missing')
    }
    const listed = await api(url, 'GET', '/webhooks', undefined, withKey(manager.key))
    assert.deepEqual(
      listed.body.data.map((w: any) => w.id),
      [id]
    )
    assert.equal(listed.body.data[0].secret, undefined)
    const audit = await api(
      url,
      'GET',
      `/audit-logs?action=webhook.created&target=${id}`,
      undefined,
      withKey(reader.key)
    )
    assert.equal(audit.status, 200)
    assert.equal(audit.body.data[0].meta.api_key_id, manager.id)
    assert.equal((await api(url, 'DELETE', `/webhooks/${id}`, undefined, withKey(manager.key))).status, 200)
  })
})
