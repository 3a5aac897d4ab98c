// Attaching a file in Chromium: upload with progress, the image previewed on the other person's page.
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import type { Page } from 'playwright-core'
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { shot, until } from './helpers'
import { webSuite } from './suite'

// A real 2x2 PNG built here (signature, IHDR, IDAT, IEND with CRCs): the server's check reads the first bytes.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
export const tinyPng = () => {
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0])
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))
  ])
}

describe('web client: attachments (Chromium)', function () {
  this.timeout(60000)
  const web = webSuite()
  let alice: Account
  let bob: Account

  const openRoom = (page: Page, name: string) =>
    page
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(name) })
      .click()
  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })

  before(async function () {
    this.timeout(120000)
    ;({ admin: alice } = await createOrg(web.server.url))
    bob = await addMember(web.server.url, alice)
    const res = await api(
      web.server.url,
      'POST',
      '/rooms',
      { name: 'files', member_ids: [bob.id] },
      bearer(alice.accessToken)
    )
    assert.equal(res.status, 201, JSON.stringify(res.body))
  })

  it('a PNG attached without a caption is previewed on the other side, loaded from its signed URL', async () => {
    const a = await web.pageFor(alice)
    const b = await web.pageFor(bob)
    await openRoom(a, 'files')
    await openRoom(b, 'files')
    await a
      .getByLabel('Attach file')
      .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: tinyPng() })
    await a.getByLabel('Attachments').getByText('Ready').waitFor()
    await a.getByRole('button', { name: 'Send', exact: true }).click()
    const image = log(b).getByRole('img', { name: 'dot.png' })
    await image.waitFor()
    // The preview really loaded (a broken signed URL would leave naturalWidth at 0).
    const width = await until('the image decodes', () =>
      image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)
    )
    assert.equal(width, 2)
    await log(a).getByRole('img', { name: 'dot.png' }).waitFor()
    // A file without a caption still has a room preview.
    await b.getByRole('navigation', { name: 'Rooms' }).getByText('sent a file').waitFor()
  })

  it('another kind of file is a download link; a refused file shows why', async () => {
    const a = await web.pageFor(alice)
    await openRoom(a, 'files')
    const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1')
    await a
      .getByLabel('Attach file')
      .setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: pdf })
    await a.getByLabel('Attachments').getByText('Ready').waitFor()
    await a.getByLabel('Message', { exact: true }).fill('the notes')
    await a.getByLabel('Message', { exact: true }).press('Enter')
    const link = log(a).getByRole('link', { name: /Download notes\.pdf/ })
    await link.waitFor()
    assert.match((await link.getAttribute('href')) ?? '', /./)
    // Declared a PNG, but the bytes are not one: the check refuses it and the composer says so.
    await a.getByLabel('Attach file').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: pdf })
    await a.getByLabel('Attachments').getByRole('alert').waitFor()
    await shot(a, 'upload-composer')
  })
})
