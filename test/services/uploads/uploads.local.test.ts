// The local-disk driver end to end: PUT to the app's signed URL, the check job accepting and rejecting, the
// status event on the owner's devices only, downloads with safe headers, refused URLs, and the cleanup job.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { sharedServer } from '../../helpers/server'
import { addMember, createOrg } from '../../helpers/fixtures'
import { sign } from '../../../src/uploads/signing'
import { uploadSigningKey } from '../../../src/uploads/storage'
import { bodies, devices, putFile, statusEvent } from './helpers'

// A chunked PUT (no Content-Length), so only the streaming limit can stop it.
const putChunked = (base: string, upload: any, chunks: Buffer[]) =>
  new Promise<{ status: number; body: any }>((resolve, reject) => {
    const target = new URL(upload.upload_url, base)
    const request = http.request(target, { method: 'PUT', headers: { ...upload.upload_headers } }, (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || 'null') }))
    })
    request.on('error', reject)
    for (const chunk of chunks) request.write(chunk)
    request.end()
  })

describe('uploads on the local disk', () => {
  let url: string
  const pool = devices()
  before(() => {
    url = sharedServer().url
  })
  after(() => pool.closeAll())

  it('stores a PUT, checks it and tells the owner’s devices (only theirs): uploaded, then ready', async () => {
    const { admin } = await createOrg(url)
    const eve = await addMember(url, admin)
    const phone = await pool.live(url, admin)
    const laptop = await pool.live(url, admin)
    const other = await pool.live(url, eve)
    const upload = await phone.client
      .service('uploads')
      .create({ filename: 'cat.png', content_type: 'image/png', size: 64 })
    const res = await putFile(url, upload, bodies.png(64))
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { id: upload.id, status: 'uploaded' })
    for (const device of [phone, laptop]) {
      await device.events.waitFor(statusEvent(upload.id, 'uploaded'))
      const ready = await device.events.waitFor(statusEvent(upload.id, 'ready'), 15000)
      assert.equal(ready.data.owner_id, admin.id)
      assert.equal(ready.data.key, undefined)
      assert.equal(ready.data.download_url, undefined)
    }
    // Marker: eve's own upload's events arrive on her device after alice's would have.
    const hers = await other.client
      .service('uploads')
      .create({ filename: 'e.gif', content_type: 'image/gif', size: 64 })
    assert.equal((await putFile(url, hers, bodies.gif(64))).status, 200)
    await other.events.waitFor(statusEvent(hers.id, 'ready'), 15000)
    assert.equal(other.events.seen.filter((r) => r.data.id === upload.id).length, 0, 'another user heard it')

    const got = await phone.client.service('uploads').get(upload.id)
    assert.equal(got.status, 'ready')
    assert.ok(got.download_url && got.download_expires_at)
    const download = await fetch(new URL(got.download_url, url))
    assert.equal(download.status, 200)
    assert.equal(download.headers.get('content-type'), 'image/png')
    assert.match(download.headers.get('content-disposition')!, /^inline; filename="cat.png"/)
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff')
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bodies.png(64))
    const head = await fetch(new URL(got.download_url, url), { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-length'), '64')
  })

  it('accepts every allowed type whose first bytes match, and rejects a PNG named .pdf', async () => {
    const { admin } = await createOrg(url)
    const me = await pool.live(url, admin)
    const cases: Array<[string, string, Buffer, string]> = [
      ['a.jpg', 'image/jpeg', bodies.jpeg(), 'ready'],
      ['a.gif', 'image/gif', bodies.gif(), 'ready'],
      ['a.mp4', 'video/mp4', bodies.mp4(), 'ready'],
      ['a.mp3', 'audio/mpeg', bodies.mp3(), 'ready'],
      ['b.mp3', 'audio/mpeg', bodies.mp3Frame(), 'ready'],
      ['a.wav', 'audio/wav', bodies.wav(), 'ready'],
      ['a.pdf', 'application/pdf', bodies.pdf(), 'ready'],
      [
        'a.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bodies.docx(),
        'ready'
      ],
      ['fake.pdf', 'application/pdf', bodies.png(), 'rejected'],
      ['fake.mp4', 'video/mp4', bodies.pdf(), 'rejected']
    ]
    for (const [filename, contentType, body, expected] of cases) {
      const upload = await me.client
        .service('uploads')
        .create({ filename, content_type: contentType, size: body.length })
      assert.equal((await putFile(url, upload, body)).status, 200)
      const event = await me.events.waitFor(
        (r) => r.data.id === upload.id && ['ready', 'rejected'].includes(r.data.status),
        15000
      )
      assert.equal(event.data.status, expected, filename)
      if (expected === 'rejected') {
        assert.equal(event.data.reason, 'type_mismatch')
        const file = path.resolve(sharedServer().app.get('uploads').dir, `${admin.org_id}/${upload.id}`)
        assert.equal(fs.existsSync(file), false, 'a rejected file is deleted')
        const got = await me.client.service('uploads').get(upload.id)
        assert.equal(got.download_url, undefined)
      }
    }
  })

  it('enforces size and type while streaming: larger, smaller, wrong Content-Type, replays', async () => {
    const { admin } = await createOrg(url)
    const me = await pool.live(url, admin)
    const upload = await me.client
      .service('uploads')
      .create({ filename: 'x.pdf', content_type: 'application/pdf', size: 64 })
    const tooBig = await putChunked(url, upload, [bodies.pdf(40), Buffer.alloc(40)])
    assert.equal(tooBig.status, 400)
    assert.equal(tooBig.body.data.code, 'file_too_large')
    const tooSmall = await putChunked(url, upload, [bodies.pdf(30)])
    assert.equal(tooSmall.body.data.code, 'size_mismatch')
    const declaredBig = await putFile(url, upload, bodies.pdf(65))
    assert.equal((await declaredBig.json()).data.code, 'file_too_large')
    const wrongType = await putFile(url, upload, bodies.pdf(64), { 'content-type': 'text/html' })
    assert.equal(wrongType.status, 400)
    assert.equal((await wrongType.json()).data.code, 'content_type_mismatch')
    assert.equal((await me.client.service('uploads').get(upload.id)).status, 'pending')
    const dir = path.resolve(sharedServer().app.get('uploads').dir, String(admin.org_id))
    assert.deepEqual(fs.existsSync(dir) ? fs.readdirSync(dir) : [], [], 'no partial file is left behind')
    assert.equal((await putFile(url, upload, bodies.pdf(64))).status, 200)
    const replay = await putFile(url, upload, bodies.pdf(64))
    assert.equal(replay.status, 409)
    const done = await me.events.waitFor(statusEvent(upload.id, 'ready'), 15000)
    assert.ok(done)
  })

  it('refuses tampered, expired, foreign and wrong-method URLs', async () => {
    const { admin } = await createOrg(url)
    const me = await pool.live(url, admin)
    const upload = await me.client.service('uploads').create({
      filename: 'r.docx',
      content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: 64
    })
    const put = new URL(upload.upload_url!, url)
    const tampered = new URL(put)
    const signature = tampered.searchParams.get('signature')!
    tampered.searchParams.set('signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1))
    const attempt = (target: URL, method = 'PUT') =>
      fetch(target, {
        method,
        headers: upload.upload_headers,
        body: method === 'PUT' ? bodies.docx(64) : undefined
      })
    let res = await attempt(tampered)
    assert.equal(res.status, 403)
    assert.equal((await res.json()).data.code, 'invalid_signature')
    const later = new URL(put)
    later.searchParams.set('expires', String(Number(put.searchParams.get('expires')) + 3600))
    assert.equal((await (await attempt(later)).json()).data.code, 'invalid_signature')
    // A PUT URL is no download URL.
    res = await attempt(put, 'GET')
    assert.equal(res.status, 403)
    const key = uploadSigningKey(sharedServer().app)
    const past = Math.floor(Date.now() / 1000) - 1
    const expired = new URL(
      `/files/${upload.id}?expires=${past}&signature=${sign(key, 'PUT', upload.id, past)}`,
      url
    )
    res = await attempt(expired)
    assert.equal(res.status, 403)
    assert.equal((await res.json()).data.code, 'url_expired')
    res = await attempt(new URL(`/files/${upload.id}`, url))
    assert.equal(res.status, 403)
    assert.equal((await (await fetch(put, { method: 'DELETE' })).json()).data.code, 'method_not_allowed')
    assert.equal((await attempt(put)).status, 200)
    await me.events.waitFor(statusEvent(upload.id, 'ready'), 15000)
    const got = await me.client.service('uploads').get(upload.id)
    const download = new URL(got.download_url!, url)
    res = await fetch(download)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="r.docx"/)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    const forged = new URL(download)
    forged.searchParams.set(
      'signature',
      sign(
        Buffer.from('not the server secret'),
        'GET',
        upload.id,
        Number(download.searchParams.get('expires'))
      )
    )
    assert.equal((await fetch(forged)).status, 403)
    const stale = new URL(
      `/files/${upload.id}?expires=${past}&signature=${sign(key, 'GET', upload.id, past)}`,
      url
    )
    res = await fetch(stale)
    assert.equal(res.status, 403)
    assert.equal((await res.json()).data.code, 'url_expired')
  })

  it('the cleanup job removes uploads never completed (and old rejected ones), not others', async () => {
    const { admin } = await createOrg(url)
    const me = await pool.live(url, admin)
    const app = sharedServer().app
    const db = app.get('postgresqlClient')
    const stale = await me.client
      .service('uploads')
      .create({ filename: 's.png', content_type: 'image/png', size: 64 })
    const fresh = await me.client
      .service('uploads')
      .create({ filename: 'f.png', content_type: 'image/png', size: 64 })
    const ready = await me.client
      .service('uploads')
      .create({ filename: 'r.png', content_type: 'image/png', size: 64 })
    assert.equal((await putFile(url, ready, bodies.png(64))).status, 200)
    await me.events.waitFor(statusEvent(ready.id, 'ready'), 15000)
    const maxAge = app.get('uploads').pendingMaxAgeSeconds
    const old = db.raw(`now() - make_interval(secs => ?)`, [maxAge + 60])
    await db('uploads').whereIn('id', [stale.id, ready.id]).update({ created_at: old })
    await app.get('jobRuntime').enqueue('uploads.cleanup', {})
    const deadline = Date.now() + 15000
    while ((await db('uploads').where({ id: stale.id }).first()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.equal(await db('uploads').where({ id: stale.id }).first(), undefined)
    assert.ok(await db('uploads').where({ id: fresh.id }).first(), 'a young pending upload stays')
    assert.ok(await db('uploads').where({ id: ready.id }).first(), 'a ready upload stays')
    // The stale URL now leads nowhere.
    const late = await putFile(url, stale, bodies.png(64))
    assert.equal(late.status, 404)
  })
})
