// Messages carrying uploads, over REST and Socket.IO: only the sender's ready files attach (others' uploads,
// other orgs', pending and rejected ones are refused and nothing is written); members get short-lived
// download URLs in messages and events; non-members and other orgs get nothing, and removal of a used file is refused.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { addMember, createOrg } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { sign } from '../../../src/uploads/signing'
import { uploadSigningKey } from '../../../src/uploads/storage'
import { bodies, devices, putFile } from './helpers'

const refusal = async (call: Promise<unknown>, status: number, code: string) => {
  await assert.rejects(call, (error: any) => {
    assert.equal(error.code, status, `${error.message} (${error.data?.code})`)
    assert.equal(error.data?.code, code)
    return true
  })
}

forEachTransport('messages with uploads', (transport) => {
  let url: string
  const pool = devices()
  before(() => {
    url = sharedServer().url
  })
  after(() => pool.closeAll())

  // An upload of `account` taken to `ready` (or rejected, with a body that does not match).
  const readyUpload = async (account: Account, body = bodies.png(64), filename = 'pic.png') => {
    const me = await pool.live(url, account)
    const type = filename.endsWith('.pdf') ? 'application/pdf' : 'image/png'
    const upload = await me.client
      .service('uploads')
      .create({ filename, content_type: type, size: body.length })
    assert.equal((await putFile(url, upload, body)).status, 200)
    const done = await me.events.waitFor(
      (r) => r.data.id === upload.id && ['ready', 'rejected'].includes(r.data.status),
      15000
    )
    return { ...upload, status: done.data.status }
  }

  it('attaches the sender’s ready uploads; members read them through signed URLs, nobody else', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const eve = await addMember(url, admin)
    const { admin: stranger } = await createOrg(url)
    const a = await pool.client(url, admin, transport)
    const b = await pool.client(url, bob, transport)
    const e = await pool.client(url, eve, transport)
    const s = await pool.client(url, stranger, transport)
    const room = await a.service('rooms').create({ name: 'Files', member_ids: [bob.id] })
    const bobLive = record(await pool.client(url, bob, 'socketio'), ['messages'])
    const pic = await readyUpload(admin)
    const doc = await readyUpload(admin, bodies.pdf(80), 'report.pdf')

    const sent = await a
      .service('messages')
      .create({ room_id: room.id, body: 'look', upload_ids: [doc.id, pic.id] })
    assert.equal(sent.kind, 'file')
    assert.equal(sent.upload_id, doc.id)
    assert.deepEqual(
      sent.uploads!.map((u) => [u.id, u.filename, u.content_type, u.size]),
      [
        [doc.id, 'report.pdf', 'application/pdf', 80],
        [pic.id, 'pic.png', 'image/png', 64]
      ]
    )
    const event = await bobLive.waitFor((r) => r.event === 'created' && r.data.id === sent.id)
    assert.equal(event.data.uploads.length, 2)

    const history = await b.service('messages').find({ query: { room_id: room.id } })
    const attached = history.data[0].uploads!
    const expires = Date.parse(attached[0].url_expires_at)
    assert.ok(expires > Date.now() && expires <= Date.now() + 300_000 + 1000, 'a short expiry')
    const download = await fetch(new URL(attached[0].url, url))
    assert.equal(download.status, 200)
    assert.equal(download.headers.get('content-type'), 'application/pdf')
    assert.match(download.headers.get('content-disposition')!, /^attachment; filename="report.pdf"/)
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bodies.pdf(80))
    // A member reads the shared file through uploads.get too (not their own, but shared with them).
    const viaGet = await b.service('uploads').get(pic.id)
    assert.ok(viaGet.download_url)
    assert.equal((await fetch(new URL(viaGet.download_url, url))).status, 200)
    // A member's listing is still only their own files.
    assert.equal((await b.service('uploads').find({})).total, 0)

    // Eve (same org, not in the room) and a stranger (other org): no message, no upload, no URL.
    for (const outsider of [e, s]) {
      await refusal(outsider.service('messages').get(sent.id), 404, 'not_found')
      await refusal(outsider.service('messages').find({ query: { room_id: room.id } }), 404, 'not_found')
      await refusal(outsider.service('uploads').get(pic.id), 404, 'not_found')
    }
    // A member who leaves the room loses the file too.
    const db = sharedServer().app.get('postgresqlClient')
    const membership = await db('room_members').where({ room_id: room.id, user_id: bob.id }).first()
    await b.service('members').remove(membership.id)
    await refusal(b.service('uploads').get(doc.id), 404, 'not_found')
    // Unsending takes the files out of the message for everyone.
    await refusal(a.service('uploads').remove(pic.id), 409, 'upload_in_use')
    const unsent = await a.service('messages').patch(sent.id, { unsent: true })
    assert.equal(unsent.uploads, undefined)
    assert.equal((await a.service('messages').get(sent.id)).uploads, undefined)
  })

  it('refuses others’ uploads, other orgs’, unknown, pending and rejected ones, writing nothing', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const { admin: stranger } = await createOrg(url)
    const a = await pool.client(url, admin, transport)
    const room = await a.service('rooms').create({ name: 'Refusals', member_ids: [bob.id] })
    const mine = await readyUpload(admin)
    const bobs = await readyUpload(bob)
    const foreign = await readyUpload(stranger)
    const rejected = await readyUpload(admin, bodies.png(64), 'fake.pdf')
    assert.equal(rejected.status, 'rejected')
    const pending = await a
      .service('uploads')
      .create({ filename: 'p.png', content_type: 'image/png', size: 64 })
    const send = (upload_ids: string[]) =>
      a.service('messages').create({ room_id: room.id, body: 'x', upload_ids })
    await refusal(send([mine.id, bobs.id]), 404, 'not_found')
    await refusal(send([foreign.id]), 404, 'not_found')
    await refusal(send(['00000000-0000-4000-8000-000000000000']), 404, 'not_found')
    await refusal(send([mine.id, pending.id]), 400, 'upload_not_ready')
    await refusal(send([rejected.id]), 400, 'upload_not_ready')
    await refusal(send([]), 400, 'validation_error')
    await refusal(send([mine.id, mine.id]), 400, 'validation_error')
    await refusal(send(['nope']), 400, 'validation_error')
    const page = await a.service('messages').find({ query: { room_id: room.id } })
    assert.equal(page.data.length, 0, 'no message was written')
    const db = sharedServer().app.get('postgresqlClient')
    assert.equal((await db('message_uploads').where({ upload_id: mine.id })).length, 0)
    assert.equal(Number((await db('rooms').where({ id: room.id }).first()).last_seq), 0, 'no seq used up')

    // An idempotent retry with files answers the original once.
    const first = await a
      .service('messages')
      .create({ room_id: room.id, body: 'x', upload_ids: [mine.id], client_msg_id: 'f-1' })
    const again = await a
      .service('messages')
      .create({ room_id: room.id, body: 'x', upload_ids: [mine.id], client_msg_id: 'f-1' })
    assert.equal(again.id, first.id)
    assert.equal((await db('message_uploads').where({ upload_id: mine.id })).length, 1)
    // The same ready file may be shared again in another message.
    const reshared = await a
      .service('messages')
      .create({ room_id: room.id, body: 'again', upload_ids: [mine.id] })
    assert.equal(reshared.uploads![0].id, mine.id)
  })

  it('a download URL expires and a tampered one is refused', async () => {
    const { admin } = await createOrg(url)
    const a = await pool.client(url, admin, transport)
    const room = await a.service('rooms').create({ name: 'Expiry', member_ids: [] })
    const pic = await readyUpload(admin)
    const sent = await a.service('messages').create({ room_id: room.id, body: 'pic', upload_ids: [pic.id] })
    const link = new URL(sent.uploads![0].url, url)
    const tampered = new URL(link)
    tampered.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 60))
    const res = await fetch(tampered)
    assert.equal(res.status, 403)
    assert.equal((await res.json()).data.code, 'invalid_signature')
    const other = new URL(link)
    other.pathname = `/files/${sent.id}`
    assert.equal((await fetch(other)).status, 403)
    assert.equal((await fetch(link)).status, 200)
    // The same link, as it will be once its time is up (signed by the server's key, expiry in the past).
    const past = Math.floor(Date.now() / 1000) - 1
    const expired = new URL(link)
    expired.searchParams.set('expires', String(past))
    expired.searchParams.set('signature', sign(uploadSigningKey(sharedServer().app), 'GET', pic.id, past))
    const late = await fetch(expired)
    assert.equal(late.status, 403)
    assert.equal((await late.json()).data.code, 'url_expired')
  })
})
