// Email digests through a real SMTP server on loopback (smtp-server, with authentication), on a private server
// configured with SMTP_URL-style settings and a 400 ms delay. While this suite runs, the shared server's job
// runtime is stopped so that this server alone runs the digest jobs (both share the test database).
// Every wait is on an event: the digest job finishing, or the SMTP server receiving a message.
import assert from 'node:assert/strict'
import { JOBS_TABLE } from '../../src/jobs/backend'
import type { ClientApplication } from '../../src/client'
import { sharedServer, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import type { TestClient } from '../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { jobSettings } from '../jobs/helpers'
import { EMAIL_JOB } from '../../src/notifications/digest'
import { nextDigest, nextJobRun, notificationsSettled, startSmtpServer, waitForPresence } from './helpers'

const FROM = 'ChatBoard <notify@chatboard.test>'

describe('notifications: email digests over SMTP', function () {
  this.timeout(30000)
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let server: TestServer
  const open: TestClient[] = []

  const client = async (
    account: Account,
    transport: 'rest' | 'socketio' = 'rest'
  ): Promise<ClientApplication> => {
    const tc = await clientFor(server.url, transport, account)
    open.push(tc)
    return tc.client
  }
  const db = () => server.app.get('postgresqlClient')
  // A fresh org: Ann (who writes), Bob (who is notified) and a group room with both.
  const scene = async () => {
    const { admin: ann } = await createOrg(server.url)
    const bob = await addMember(server.url, ann)
    const a = await client(ann)
    const room = await a.service('rooms').create({ name: 'Deploys', member_ids: [bob.id] })
    await notificationsSettled(server.app)
    return { ann, bob, a, room }
  }
  const pendingDigests = async (userId: string) => {
    const rows = await db()('notification_digests').where({ user_id: userId, pending: true })
    const jobs = await db()(JOBS_TABLE)
      .where({ name: EMAIL_JOB })
      .whereRaw("data->>'user_id' = ?", [userId])
      .whereNotNull('next_run_at')
    return rows.length + jobs.length
  }

  before(async () => {
    smtp = await startSmtpServer()
    await sharedServer().app.get('jobRuntime').stop()
    const shared = sharedServer().app
    server = await startServer({
      smtp: { url: smtp.url, from: FROM },
      // Long enough that a slow machine still reads a notification before its digest is due.
      notifications: { ...shared.get('notifications'), email: { delayMs: 2000, maxListed: 20 } },
      jobs: jobSettings({
        processEveryMs: 100,
        retry: { delayMs: 50, factor: 1, maxRetries: 3, maxDelayMs: 1000 }
      })
    })
  })

  after(async () => {
    open.forEach((tc) => tc.close())
    await server?.stop()
    await smtp?.close()
    await sharedServer().app.get('jobRuntime').start()
  })

  it('sends ONE email with both mentions made while the user was offline, after the delay', async () => {
    const { ann, bob, a, room } = await scene()
    const digest = nextDigest(server.app, bob.id)
    const started = Date.now()
    await a.service('messages').create({ room_id: room.id, body: `@${bob.username} the build is red` })
    await a.service('messages').create({ room_id: room.id, body: `@${bob.username} and <b>prod</b> too` })
    await digest
    assert.ok(Date.now() - started >= 400, 'not before the delay')
    const mails = smtp.mailsTo(bob.email)
    assert.equal(mails.length, 1)
    const [mail] = mails
    assert.equal(mail.user, 'mailer', 'authenticated with the URL credentials')
    assert.equal(mail.from, 'notify@chatboard.test')
    assert.match(mail.headers.subject, /2 unread/)
    assert.match(mail.text, /the build is red/)
    assert.match(mail.text, /and <b>prod<\/b> too/)
    assert.match(mail.text, new RegExp(`Test ${ann.username} mentioned you in #Deploys`))
    assert.match(mail.html, /and &lt;b&gt;prod&lt;\/b&gt; too/, 'message text is escaped in HTML')
    assert.ok(!mail.html.includes('<b>prod'))
    const b = await client(bob)
    const notes = (await b.service('notifications').find({ query: { type: 'mention' } })).data
    assert.equal(notes.length, 2)
    assert.ok(notes.every((n) => n.emailed_at && !n.read))
    assert.equal(await pendingDigests(bob.id), 0, 'no second digest pending')
  })

  it('sends nothing when the notification was read before the delay, or the room was read', async () => {
    const { bob, a, room } = await scene()
    const b = await client(bob)
    let digest = nextDigest(server.app, bob.id)
    await a.service('messages').create({ room_id: room.id, body: `@${bob.username} quick question` })
    await notificationsSettled(server.app)
    const [note] = (await b.service('notifications').find({ query: { type: 'mention' } })).data
    await b.service('notifications').patch(note.id, { read: true })
    await digest
    assert.equal(smtp.mailsTo(bob.email).length, 0)

    digest = nextDigest(server.app, bob.id)
    const message = await a
      .service('messages')
      .create({ room_id: room.id, body: `@${bob.username} and another` })
    await notificationsSettled(server.app)
    await b.service('receipts').create({ room_id: room.id, read_seq: message.seq })
    await digest
    assert.equal(smtp.mailsTo(bob.email).length, 0)
    const notes = (await b.service('notifications').find({ query: { type: 'mention' } })).data
    assert.ok(notes.every((n) => n.read && !n.emailed_at))
  })

  it('sends nothing to an online user; once offline, the next digest lists what is still unread', async () => {
    const { bob, a, room } = await scene()
    await client(bob, 'socketio')
    await waitForPresence(server.app, bob.id, true)
    let digest = nextDigest(server.app, bob.id)
    await a.service('messages').create({ room_id: room.id, body: `@${bob.username} you there?` })
    await digest
    assert.equal(smtp.mailsTo(bob.email).length, 0)

    open.pop()!.close()
    await waitForPresence(server.app, bob.id, false)
    digest = nextDigest(server.app, bob.id)
    await a.service('messages').create({ room_id: room.id, body: `@${bob.username} guess not` })
    await digest
    const mails = smtp.mailsTo(bob.email)
    assert.equal(mails.length, 1)
    assert.match(mails[0].text, /you there\?/)
    assert.match(mails[0].text, /guess not/)
  })

  it('retries when the SMTP server refuses, and still sends exactly one email', async () => {
    const { bob, a } = await scene()
    const dm = await a.service('rooms').create({ kind: 'dm', user_id: bob.id })
    smtp.state.rejectNext = 1
    const delivered = nextJobRun(server.app, EMAIL_JOB, (data) => data.user_id === bob.id, 10000, 'success')
    await a.service('messages').create({ room_id: dm.id, body: 'are you free tomorrow?' })
    await delivered
    assert.equal(smtp.state.rejected, 1, 'the first attempt was refused')
    const mails = smtp.mailsTo(bob.email)
    assert.equal(mails.length, 1)
    assert.match(mails[0].headers.subject, /sent you a direct message/)
    assert.match(mails[0].text, /are you free tomorrow\?/)
    const [note] = (await (await client(bob)).service('notifications').find({ query: { type: 'dm' } })).data
    assert.ok(note.emailed_at)
  })

  it('schedules no digest when the user turned email off, and has no dev mailbox with SMTP', async () => {
    const { bob, a, room } = await scene()
    const b = await client(bob)
    await b.service('notification-preferences').create({ email: false })
    await a.service('messages').create({ room_id: room.id, body: `@${bob.username} no email for you` })
    await notificationsSettled(server.app)
    assert.equal((await b.service('notifications').find({ query: { type: 'mention' } })).total, 1)
    assert.equal(await pendingDigests(bob.id), 0)
    assert.equal(
      (await api(server.url, 'GET', '/dev-mailbox', undefined, bearer(bob.accessToken))).status,
      404
    )
  })
})
