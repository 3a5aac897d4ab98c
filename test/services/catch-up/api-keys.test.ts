// The bulk catch-up with an API key (REST, raw query strings): a key with messages:read catches up as its bot,
// in the rooms its bot was added to only; a key without that scope is refused.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { api, bearer, createOrg } from '../../helpers/fixtures'
import { withKey } from '../api-keys/helpers'

describe('catch-up with API keys [rest]', () => {
  it('catches up as the key’s bot with messages:read, and refuses a key without it', async () => {
    const url = sharedServer().url
    const { admin } = await createOrg(url)
    const asAdmin = bearer(admin.accessToken)
    const key = async (scopes: string[]) => {
      const res = await api(url, 'POST', '/api-keys', { name: 'k', bot_name: 'Sync Bot', scopes }, asAdmin)
      assert.equal(res.status, 201, JSON.stringify(res.body))
      return res.body as { key: string; bot_user_id: string }
    }
    const reader = await key(['messages:read'])
    const other = await key(['rooms:read'])
    const withBot = (await api(url, 'POST', '/rooms', { name: 'With bot' }, asAdmin)).body.id
    const without = (await api(url, 'POST', '/rooms', { name: 'Without bot' }, asAdmin)).body.id
    const added = await api(
      url,
      'POST',
      '/members',
      { room_id: withBot, user_id: reader.bot_user_id },
      asAdmin
    )
    assert.equal(added.status, 201, JSON.stringify(added.body))
    for (const room_id of [withBot, without, withBot])
      assert.equal((await api(url, 'POST', '/messages', { room_id, body: 'hi' }, asAdmin)).status, 201)

    const res = await api(
      url,
      'GET',
      `/catch-up?since[${withBot}]=0&limit=10`,
      undefined,
      withKey(reader.key)
    )
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.deepEqual(
      res.body.data.map((m: any) => [m.room_id, m.seq]),
      [
        [withBot, 1],
        [withBot, 2]
      ]
    )
    assert.deepEqual(res.body.new_rooms, [])
    const refused = await api(url, 'GET', '/catch-up', undefined, withKey(other.key))
    assert.equal(refused.status, 403, JSON.stringify(refused.body))
    assert.equal(refused.body.data?.code, 'scope_missing')
    const bad = await api(url, 'GET', `/catch-up?since[${withBot}]=-3`, undefined, withKey(reader.key))
    assert.equal(bad.status, 400)
    assert.equal(bad.body.data?.code, 'validation_error')
  })
})
