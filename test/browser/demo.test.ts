// `npm run demo` seeds a demo org through the API; here against the test database, with fewer messages.
import assert from 'node:assert/strict'
import { DEMO_PASSWORD, demoEmail, runDemo } from '../../src/scripts/demo'
import { api, bearer, login } from '../helpers/fixtures'
import { sharedServer } from '../helpers/server'

describe('npm run demo', function () {
  this.timeout(60000)
  it('creates the demo org with roles, rooms, a DM, messages with mentions, reads and a picture, once', async () => {
    const database = { url: process.env.DATABASE_URL!, dataDir: './data/test-unused', poolMax: 5 }
    assert.deepEqual(await runDemo({ database }, 60), { alreadySeeded: false })
    assert.deepEqual(await runDemo({ database }, 60), { alreadySeeded: true })
    const { url } = sharedServer()
    const grace = await login(url, demoEmail('grace'), DEMO_PASSWORD)
    assert.equal(grace.role, 'MANAGER')
    const rooms = (await api(url, 'GET', '/rooms?$limit=100', undefined, bearer(grace.accessToken))).body.data
    assert.deepEqual(rooms.map((r: any) => r.name ?? 'dm').sort(), ['dm', 'general', 'random'])
    const total = rooms.reduce((n: number, r: any) => n + r.last_seq, 0)
    assert.ok(total >= 40, `${total} messages in Grace's rooms`)
    assert.ok(
      rooms.some((r: any) => r.unread_count > 0 && r.last_read_seq > 0),
      'reads with a backlog'
    )
    const general = rooms.find((r: any) => r.name === 'general')
    const page = await api(
      url,
      'GET',
      `/messages?room_id=${general.id}&limit=100`,
      undefined,
      bearer(grace.accessToken)
    )
    assert.ok(
      page.body.data.some((m: any) => m.mentions.length > 0),
      'mentions'
    )
    // The picture: attached to a message in #general, checked (ready) and downloadable by a room member.
    const withFile = page.body.data.filter((m: any) => m.uploads?.length > 0)
    assert.equal(withFile.length, 1, 'one message with a file')
    const [file] = withFile[0].uploads
    assert.equal(file.content_type, 'image/png')
    const upload = await api(url, 'GET', `/uploads/${file.id}`, undefined, bearer(grace.accessToken))
    assert.equal(upload.status, 200, JSON.stringify(upload.body))
    assert.equal(upload.body.status, 'ready')
    const bytes = await fetch(new URL(file.url, url))
    assert.equal(bytes.status, 200)
    assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer()).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47])
  })
})
