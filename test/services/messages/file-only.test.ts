// A message carrying files may have no text (a file without a caption); without files an empty body stays 400.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { addMember, createOrg } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { bodies, devices, putFile } from '../uploads/helpers'

forEachTransport('messages with files and no text', (transport) => {
  let url: string
  const pool = devices()
  before(() => {
    url = sharedServer().url
  })
  after(() => pool.closeAll())

  const readyUpload = async (account: Account) => {
    const me = await pool.live(url, account)
    const body = bodies.png(64)
    const upload = await me.client
      .service('uploads')
      .create({ filename: 'pic.png', content_type: 'image/png', size: body.length })
    assert.equal((await putFile(url, upload, body)).status, 200)
    const done = await me.events.waitFor(
      (r) => r.data.id === upload.id && ['ready', 'rejected'].includes(r.data.status),
      15000
    )
    assert.equal(done.data.status, 'ready')
    return upload
  }

  it('sends a file with an empty (or blank) body; members get it with its file', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const a = await pool.client(url, admin, transport)
    const room = await a.service('rooms').create({ name: 'Files', member_ids: [bob.id] })
    const bobLive = record(await pool.client(url, bob, 'socketio'), ['messages'], ['created'])
    const pic = await readyUpload(admin)
    const sent = await a.service('messages').create({ room_id: room.id, body: '', upload_ids: [pic.id] })
    assert.equal(sent.body, '')
    assert.equal(sent.kind, 'file')
    assert.deepEqual(
      sent.uploads!.map((u) => u.id),
      [pic.id]
    )
    const event = await bobLive.waitFor((r) => r.data.id === sent.id)
    assert.equal(event.data.body, '')
    assert.equal(event.data.uploads.length, 1)
    // Whitespace and invisible characters normalize to nothing: still a file message without text.
    const other = await readyUpload(admin)
    const blank = await a
      .service('messages')
      .create({ room_id: room.id, body: ' \n\u200b ', upload_ids: [other.id] })
    assert.equal(blank.body, '')
    const history = await (
      await pool.client(url, bob, transport)
    )
      .service('messages')
      .find({ query: { room_id: room.id } })
    assert.deepEqual(
      history.data.map((m: any) => [m.id, m.body, m.uploads?.length]),
      [
        [blank.id, '', 1],
        [sent.id, '', 1]
      ]
    )
  })

  it('without files an empty or blank body is still refused (400 validation_error)', async () => {
    const { admin } = await createOrg(url)
    const a = await pool.client(url, admin, transport)
    const room = await a.service('rooms').create({ name: 'Text' })
    for (const body of ['', '   ', '\n\u200b']) {
      await assert.rejects(a.service('messages').create({ room_id: room.id, body }), (e: any) => {
        assert.equal(e.code, 400)
        assert.equal(e.data?.code, 'validation_error')
        return true
      })
    }
    // Nothing was stored.
    assert.deepEqual((await a.service('messages').find({ query: { room_id: room.id } })).data, [])
  })
})
