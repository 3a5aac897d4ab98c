// Org settings over REST and Socket.IO: an ADMIN sets upload limits and the search language through orgs.patch
// (validated, 400 with stable codes); others get 403, another org 404; only ADMINs read them; events stay clean.
import assert from 'node:assert/strict'
import { sharedServer } from '../../helpers/server'
import { forEachTransport } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { addMember, clientFor, createOrg, uniq } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { record } from '../../helpers/events'
import { assertMatches } from '../../helpers/schemas'
import { orgSchema } from '../../../src/services/orgs/orgs.schema'

const refusal = async (call: Promise<unknown>, status: number, code: string) => {
  await assert.rejects(call, (error: any) => {
    assert.equal(error.code, status, `${error.message} (${error.data?.code})`)
    assert.equal(error.data?.code, code)
    return true
  })
}

forEachTransport('org settings', (transport) => {
  let url: string
  const open: TestClient[] = []
  const client = async (account: Account, via = transport) => {
    const tc = await clientFor(url, via, account)
    open.push(tc)
    return tc.client
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.splice(0).forEach((tc) => tc.close()))

  it('an ADMIN sets and reads both settings; members never see them, not even in events', async () => {
    const { admin, orgId } = await createOrg(url)
    const member = await addMember(url, admin, 'MEMBER')
    const orgs = (await client(admin)).service('orgs')
    const initial = await orgs.get(orgId)
    assertMatches(orgSchema, initial)
    assert.deepEqual(initial.settings, { upload_limits: {}, search_language: 'simple' })
    const memberLive = record(await client(member, 'socketio'), ['orgs'], ['patched'])

    const patched = await orgs.patch(orgId, {
      upload_limits: { 'image/png': 1000, 'video/mp4': 0 },
      search_language: 'english'
    })
    assertMatches(orgSchema, patched)
    assert.deepEqual(patched.settings, {
      upload_limits: { 'image/png': 1000, 'video/mp4': 0 },
      search_language: 'english'
    })
    assert.deepEqual((await orgs.find({})).data[0].settings, patched.settings)
    // The event reached the member (validated against the catalogue by the recorder) without the settings.
    const event = await memberLive.waitFor((r) => r.data.id === orgId)
    assert.equal(event.data.settings, undefined)
    assert.equal(event.data.upload_limits, undefined)

    const seen = await (await client(member)).service('orgs').get(orgId)
    assertMatches(orgSchema, seen)
    assert.equal(seen.settings, undefined)
    assert.equal((seen as any).upload_limits, undefined)

    // {} restores the defaults; a rename leaves the settings alone.
    const cleared = await orgs.patch(orgId, { upload_limits: {} })
    assert.deepEqual(cleared.settings, { upload_limits: {}, search_language: 'english' })
    const renamed = await orgs.patch(orgId, { name: 'Renamed' })
    assert.deepEqual(renamed.settings, cleared.settings)
  })

  it('refuses bad input with stable codes and changes nothing', async () => {
    const { admin, orgId } = await createOrg(url)
    const orgs = (await client(admin)).service('orgs')
    await refusal(orgs.patch(orgId, { search_language: 'klingon' }), 400, 'invalid_search_language')
    await refusal(orgs.patch(orgId, { search_language: 'English' }), 400, 'invalid_search_language')
    await refusal(orgs.patch(orgId, { search_language: "english'; --" }), 400, 'invalid_search_language')
    await refusal(orgs.patch(orgId, { upload_limits: { 'text/html': 10 } }), 400, 'invalid_upload_limits')
    // Above the configured maximum of the type's category (config uploads.maxBytes).
    const max = sharedServer().app.get('uploads').maxBytes.image
    await refusal(
      orgs.patch(orgId, { upload_limits: { 'image/png': max + 1 } }),
      400,
      'invalid_upload_limits'
    )
    await refusal(orgs.patch(orgId, { upload_limits: { 'image/png': -1 } }), 400, 'validation_error')
    await refusal(orgs.patch(orgId, { upload_limits: { 'image/png': 1.5 } }), 400, 'validation_error')
    await refusal(orgs.patch(orgId, { upload_limits: ['image/png'] } as any), 400, 'validation_error')
    await refusal(orgs.patch(orgId, { search_language: '' }), 400, 'validation_error')
    // A valid language with a bad limit: neither is written.
    await refusal(
      orgs.patch(orgId, { search_language: 'english', upload_limits: { 'x/y': 1 } } as any),
      400,
      'invalid_upload_limits'
    )
    assert.deepEqual((await orgs.get(orgId)).settings, { upload_limits: {}, search_language: 'simple' })
    // The exact ceiling is allowed.
    const atMax = await orgs.patch(orgId, { upload_limits: { 'image/png': max } })
    assert.equal(atMax.settings!.upload_limits['image/png'], max)
  })

  it('403 for MANAGERs and MEMBERs, 404 for another org', async () => {
    const { admin, orgId } = await createOrg(url)
    const { admin: stranger, orgId: otherOrg } = await createOrg(url)
    for (const role of ['MANAGER', 'MEMBER']) {
      const who = await addMember(url, admin, role)
      const orgs = (await client(who)).service('orgs')
      await refusal(orgs.patch(orgId, { search_language: 'english' }), 403, 'role_required')
      await refusal(orgs.patch(orgId, { upload_limits: { 'image/png': 1 } }), 403, 'role_required')
    }
    await refusal(
      (await client(admin)).service('orgs').patch(otherOrg, { search_language: 'english' }),
      404,
      'not_found'
    )
    const theirs = await (await client(stranger)).service('orgs').get(otherOrg)
    assert.equal(theirs.settings!.search_language, 'simple')
  })

  it('switching to english re-indexes earlier messages: a stemmed word is found', async () => {
    const { admin, orgId } = await createOrg(url)
    const c = await client(admin)
    const room = await c.service('rooms').create({ name: 'Stems' })
    // Letters only (a digit makes a token the stemmer leaves alone), ending in a word English stems plainly.
    const stem = `${uniq('x').replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)])}deploy`
    const sent = await c.service('messages').create({ room_id: room.id, body: `we were ${stem}ing it` })
    const search = (q: string) => c.service('search').find({ query: { q } as any })
    // 'simple' keeps words whole: the stem alone matches nothing.
    assert.deepEqual((await search(stem)).data, [])
    await c.service('orgs').patch(orgId, { search_language: 'english' })
    assert.deepEqual(
      (await search(`${stem}s`)).data.map((hit: any) => hit.id),
      [sent.id]
    )
    // And back: the query is parsed in 'simple' again and the vectors were rebuilt with it.
    await c.service('orgs').patch(orgId, { search_language: 'simple' })
    assert.deepEqual((await search(`${stem}s`)).data, [])
    assert.deepEqual(
      (await search(`${stem}ing`)).data.map((hit: any) => hit.id),
      [sent.id]
    )
  })

  it('an upload over the new per-org limit is refused with file_too_large; 0 forbids the type', async () => {
    const { admin, orgId } = await createOrg(url)
    const c = await client(admin)
    const uploads = c.service('uploads')
    const ok = await uploads.create({ filename: 'a.png', content_type: 'image/png', size: 2000 })
    assert.equal(ok.status, 'pending')
    await c.service('orgs').patch(orgId, { upload_limits: { 'image/png': 1000, 'application/pdf': 0 } })
    await refusal(
      uploads.create({ filename: 'b.png', content_type: 'image/png', size: 1001 }),
      400,
      'file_too_large'
    )
    assert.equal(
      (await uploads.create({ filename: 'c.png', content_type: 'image/png', size: 1000 })).size,
      1000
    )
    await refusal(
      uploads.create({ filename: 'd.pdf', content_type: 'application/pdf', size: 10 }),
      400,
      'unsupported_type'
    )
  })
})
