// Without SMTP (the shared test server), digests land in the dev mailbox, and each user reads only their own
// mail through the dev-mailbox service, over REST and Socket.IO.
import assert from 'node:assert/strict'
import { forEachTransport } from '../helpers/clients'
import { sharedServer } from '../helpers/server'
import { clientPool, orgWith, rejectsWith } from '../services/rooms/helpers'
import { nextDigest } from './helpers'
import { devMailSchema } from '../../src/services/dev-mailbox/dev-mailbox.schema'
import { assertMatches, assertPageMatches } from '../helpers/schemas'

forEachTransport('notifications: dev mailbox', (transport) => {
  const pool = clientPool(transport)

  it('holds the digest for the offline user, readable by them only', async () => {
    const { admin: ann, members } = await orgWith(pool.url, 2)
    const [bob, carol] = members
    const a = await pool.client(ann)
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    const digest = nextDigest(sharedServer().app, bob.id)
    await a.service('messages').create({ room_id: dm.id, body: 'lunch at <noon>?' })
    await digest

    const b = await pool.client(bob)
    const page = await b.service('dev-mailbox').find()
    assertPageMatches(devMailSchema, page)
    assert.equal(page.total, 1)
    const [mail] = page.data
    assert.equal(mail.to, bob.email)
    assert.equal(mail.subject, `Test ${ann.username} sent you a direct message`)
    assert.match(mail.text, /lunch at <noon>\?/)
    assert.match(mail.html, /lunch at &lt;noon&gt;\?/)
    const got = await b.service('dev-mailbox').get(mail.id)
    assertMatches(devMailSchema, got)
    assert.deepEqual(got, mail)

    const c = await pool.client(carol)
    assert.equal((await c.service('dev-mailbox').find()).total, 0)
    await rejectsWith(c.service('dev-mailbox').get(mail.id), 'NotFound', 'not_found')
    assert.equal((await a.service('dev-mailbox').find()).total, 0)
  })
})
