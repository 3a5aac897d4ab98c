// The uploads service over REST and Socket.IO: presigned create with type, size and name checks, own reads,
// the completion step, removal, cross-org and cross-user 404s, and per-org size overrides.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import { addMember, createOrg } from '../../helpers/fixtures'
import { bodies, devices, putFile } from './helpers'

const refusal = async (call: Promise<unknown>, status: number, code: string) => {
  await assert.rejects(call, (error: any) => {
    assert.equal(error.code, status, `${error.message} (${error.data?.code})`)
    assert.equal(error.data?.code, code)
    return true
  })
}

forEachTransport('uploads service', (transport) => {
  let url: string
  const pool = devices()
  before(() => {
    url = sharedServer().url
  })
  after(() => pool.closeAll())

  it('answers a create with a presigned PUT, the id and an expiry; lists and gets my uploads', async () => {
    const { admin } = await createOrg(url)
    const c = await pool.client(url, admin, transport)
    const before = Date.now()
    const upload = await c
      .service('uploads')
      .create({ filename: 'cat.png', content_type: 'image/png', size: 64 })
    assert.match(upload.id, /^[0-9a-f-]{36}$/)
    assert.equal(upload.status, 'pending')
    assert.equal(upload.owner_id, admin.id)
    assert.equal(upload.size, 64)
    assert.equal(upload.upload_method, 'PUT')
    assert.deepEqual(upload.upload_headers, { 'content-type': 'image/png' })
    assert.match(upload.upload_url!, new RegExp(`^/files/${upload.id}\\?expires=\\d+&signature=`))
    const expires = Date.parse(upload.upload_expires_at!)
    assert.ok(expires > before + 60_000 && expires <= Date.now() + 900_000 + 1000)
    assert.equal((upload as any).key, undefined, 'the storage key stays on the server')

    // Type aliases and case are normalized.
    const mp3 = await c
      .service('uploads')
      .create({ filename: 'Song.MP3', content_type: 'audio/mp3', size: 10 })
    assert.equal(mp3.content_type, 'audio/mpeg')

    const page = await c.service('uploads').find({ query: { $sort: { created_at: 1 } } as any })
    assert.deepEqual(
      page.data.map((u) => u.id),
      [upload.id, mp3.id]
    )
    assert.equal(page.data[0].upload_url, undefined)
    const got = await c.service('uploads').get(upload.id)
    assert.equal(got.filename, 'cat.png')
    assert.equal(got.download_url, undefined, 'no download URL before the file is ready')
    const pending = await c.service('uploads').find({ query: { status: 'ready' } })
    assert.equal(pending.total, 0)
  })

  it('refuses unsupported types, oversized files, bad names and malformed input with stable codes', async () => {
    const { admin } = await createOrg(url)
    const c = await pool.client(url, admin, transport)
    const create = (data: any) => c.service('uploads').create(data)
    await refusal(
      create({ filename: 'a.exe', content_type: 'application/x-msdownload', size: 10 }),
      400,
      'unsupported_type'
    )
    await refusal(
      create({ filename: 'a.svg', content_type: 'image/svg+xml', size: 10 }),
      400,
      'unsupported_type'
    )
    await refusal(
      create({ filename: 'big.png', content_type: 'image/png', size: 5 * 1024 * 1024 + 1 }),
      400,
      'file_too_large'
    )
    await refusal(
      create({ filename: 'big.mp4', content_type: 'video/mp4', size: 50 * 1024 * 1024 + 1 }),
      400,
      'file_too_large'
    )
    await refusal(
      create({ filename: 'big.wav', content_type: 'audio/wav', size: 10 * 1024 * 1024 + 1 }),
      400,
      'file_too_large'
    )
    await refusal(
      create({ filename: 'big.pdf', content_type: 'application/pdf', size: 10 * 1024 * 1024 + 1 }),
      400,
      'file_too_large'
    )
    // At the limit is fine.
    await create({ filename: 'max.mp4', content_type: 'video/mp4', size: 50 * 1024 * 1024 })
    await refusal(
      create({ filename: '../etc/passwd.png', content_type: 'image/png', size: 10 }),
      400,
      'invalid_filename'
    )
    await refusal(
      create({ filename: 'dir\\x.png', content_type: 'image/png', size: 10 }),
      400,
      'invalid_filename'
    )
    await refusal(create({ filename: '.png', content_type: 'image/png', size: 10 }), 400, 'invalid_filename')
    await refusal(
      create({ filename: 'photo.pdf', content_type: 'image/png', size: 10 }),
      400,
      'extension_mismatch'
    )
    await refusal(
      create({ filename: 'noextension', content_type: 'application/pdf', size: 10 }),
      400,
      'extension_mismatch'
    )
    await refusal(create({ filename: 'x.png', content_type: 'image/png', size: 0 }), 400, 'validation_error')
    await refusal(
      create({ filename: 'x.png', content_type: 'image/png', size: 1.5 }),
      400,
      'validation_error'
    )
    await refusal(create({ filename: 'x.png', content_type: 'image/png' }), 400, 'validation_error')
    await refusal(
      create({ filename: 'x.png', content_type: 'image/png', size: 1, key: 'a/b' }),
      400,
      'validation_error'
    )
    await refusal(
      create({ filename: 'x'.repeat(300) + '.png', content_type: 'image/png', size: 1 }),
      400,
      'validation_error'
    )
    await refusal(c.service('uploads').find({ query: { status: 'gone' } as any }), 400, 'validation_error')
    const left = await c.service('uploads').find({})
    assert.equal(left.total, 1, 'nothing refused was stored')
  })

  it('hides uploads of other users and other orgs (404), and removes only my unused ones', async () => {
    const { admin } = await createOrg(url)
    const bob = await addMember(url, admin)
    const { admin: stranger } = await createOrg(url)
    const a = await pool.client(url, admin, transport)
    const b = await pool.client(url, bob, transport)
    const s = await pool.client(url, stranger, transport)
    const upload = await a
      .service('uploads')
      .create({ filename: 'doc.pdf', content_type: 'application/pdf', size: 64 })
    for (const other of [b, s]) {
      await refusal(other.service('uploads').get(upload.id), 404, 'not_found')
      await refusal(other.service('uploads').patch(upload.id, { status: 'uploaded' }), 404, 'not_found')
      await refusal(other.service('uploads').remove(upload.id), 404, 'not_found')
      assert.equal((await other.service('uploads').find({})).total, 0)
    }
    await refusal(a.service('uploads').get('00000000-0000-4000-8000-000000000000'), 404, 'not_found')
    await refusal(a.service('uploads').get('not-a-uuid'), 404, 'not_found')
    await refusal(a.service('uploads').patch(upload.id, { status: 'ready' } as any), 400, 'validation_error')
    const removed = await a.service('uploads').remove(upload.id)
    assert.equal(removed.id, upload.id)
    await refusal(a.service('uploads').get(upload.id), 404, 'not_found')
  })

  it('completes an upload (patch status uploaded) once; the check job then marks it', async () => {
    const { admin } = await createOrg(url)
    const c = await pool.client(url, admin, transport)
    const upload = await c
      .service('uploads')
      .create({ filename: 'a.gif', content_type: 'image/gif', size: 64 })
    // Completing without sending the bytes: the check finds no object and rejects the upload.
    const done = await c.service('uploads').patch(upload.id, { status: 'uploaded' })
    assert.equal(done.status, 'uploaded')
    const again = await c.service('uploads').patch(upload.id, { status: 'uploaded' })
    assert.ok(['uploaded', 'rejected'].includes(again.status))
    const deadline = Date.now() + 15000
    let current = again
    while (current.status === 'uploaded' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      current = await c.service('uploads').get(upload.id)
    }
    assert.equal(current.status, 'rejected')
    assert.equal(current.reason, 'missing')
    // A PUT after completion is refused.
    const late = await putFile(url, upload, bodies.gif(64))
    assert.equal(late.status, 409)
    assert.equal((await late.json()).data.code, 'upload_not_pending')
  })

  it('applies the org’s per-type override of the maximum size', async () => {
    const { admin, orgId } = await createOrg(url)
    const c = await pool.client(url, admin, transport)
    await sharedServer()
      .app.get('postgresqlClient')('orgs')
      .where({ id: orgId })
      .update({
        upload_limits: JSON.stringify({
          'image/png': 100,
          'video/mp4': 0,
          'application/pdf': 20 * 1024 * 1024
        })
      })
    await refusal(
      c.service('uploads').create({ filename: 'a.png', content_type: 'image/png', size: 101 }),
      400,
      'file_too_large'
    )
    await c.service('uploads').create({ filename: 'a.png', content_type: 'image/png', size: 100 })
    await refusal(
      c.service('uploads').create({ filename: 'a.mp4', content_type: 'video/mp4', size: 1 }),
      400,
      'unsupported_type'
    )
    await c
      .service('uploads')
      .create({ filename: 'a.pdf', content_type: 'application/pdf', size: 15 * 1024 * 1024 })
    // Other types keep the configured default.
    await refusal(
      c
        .service('uploads')
        .create({ filename: 'a.gif', content_type: 'image/gif', size: 5 * 1024 * 1024 + 1 }),
      400,
      'file_too_large'
    )
  })
})
