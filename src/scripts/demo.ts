// `npm run demo`: fills the configured database (embedded PGlite by default) with a demo org to look around in.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import configuration from '@feathersjs/configuration'
import { createApp } from '../app'
import type { Configuration } from '../declarations'
import { migrateLatest } from '../postgresql'

export const DEMO_PASSWORD = 'chatboard demo 1'

export const DEMO_PEOPLE = [
  { username: 'ada', name: 'Ada Lovelace', role: 'ADMIN' },
  { username: 'grace', name: 'Grace Hopper', role: 'MANAGER' },
  { username: 'linus', name: 'Linus Torvalds', role: 'MEMBER' },
  { username: 'margaret', name: 'Margaret Hamilton', role: 'MEMBER' }
] as const

export const demoEmail = (username: string) => `${username}@chatboard.example`

const LINES = [
  'Good morning, everyone!',
  'The release notes are at https://example.com/releases',
  'Can someone review the login change?',
  'Lunch at noon?',
  'Deploy went fine, all green.',
  'I will look into the flaky test.',
  'Meeting moved to 3 pm.',
  'Thanks, that fixed it!',
  'Who owns the on-call rotation this week?',
  'Pushed a fix, please pull.',
  'The dashboard looks great.',
  'Let us keep this thread short.'
]

// Deterministic variety (same demo every time) without Math.random.
const pick = <T>(list: readonly T[], i: number) => list[(i * 7 + 3) % list.length]

type Call = (method: string, path: string, body?: unknown, token?: string) => Promise<any>

const caller =
  (url: string): Call =>
  async (method, path, body, token) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const json: any = await res.json().catch(() => null)
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }

// A 2x2 RGB PNG (red, green / blue, white): the server's check reads its signature, so it must be a real one.
const DEMO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
  'base64'
)

// uploads.create -> PUT the bytes where it says -> the check job marks it ready (polled, with a deadline).
const uploadPng = async (call: Call, url: string, token: string, filename: string) => {
  const upload = await call(
    'POST',
    '/uploads',
    { filename, content_type: 'image/png', size: DEMO_PNG.length },
    token
  )
  const put = await fetch(new URL(upload.upload_url, url), {
    method: upload.upload_method ?? 'PUT',
    headers: upload.upload_headers ?? {},
    body: DEMO_PNG
  })
  if (!put.ok) throw new Error(`PUT ${filename}: ${put.status} ${await put.text()}`)
  // The S3 driver wants the completion step; the local one completed on its PUT (then this answers as is).
  await call('PATCH', `/uploads/${upload.id}`, { status: 'uploaded' }, token)
  const deadline = Date.now() + 30000
  for (;;) {
    const { status, reason } = await call('GET', `/uploads/${upload.id}`, undefined, token)
    if (status === 'ready') return upload.id as string
    if (status === 'rejected') throw new Error(`upload ${filename} rejected: ${reason}`)
    if (Date.now() > deadline) throw new Error(`upload ${filename} still ${status} after 30 s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// Seeds through the public API of an in-process server, so every row is what real clients would create.
const seed = async (call: Call, url: string, messages: number) => {
  const login = async (username: string) =>
    (
      await call('POST', '/authentication', {
        strategy: 'local',
        email: demoEmail(username),
        password: DEMO_PASSWORD
      })
    ).accessToken as string
  const [admin, ...others] = DEMO_PEOPLE
  await call('POST', '/users', {
    email: demoEmail(admin.username),
    username: admin.username,
    name: admin.name,
    password: DEMO_PASSWORD
  })
  const tokens: Record<string, string> = { [admin.username]: await login(admin.username) }
  await call('POST', '/orgs', { name: 'Demo Corp' }, tokens.ada)
  const ids: Record<string, string> = {}
  for (const person of others) {
    const invite = await call(
      'POST',
      '/invites',
      { email: demoEmail(person.username), role: person.role },
      tokens.ada
    )
    const user = await call('POST', '/users', {
      email: demoEmail(person.username),
      username: person.username,
      name: person.name,
      password: DEMO_PASSWORD,
      invite_token: invite.token
    })
    ids[person.username] = user.id
    tokens[person.username] = await login(person.username)
  }
  const everyone = Object.values(ids)
  const rooms = [
    {
      name: 'general',
      topic: 'Company-wide announcements and chat',
      members: everyone,
      talk: ['ada', 'grace', 'linus', 'margaret']
    },
    {
      name: 'engineering',
      topic: 'Builds, reviews, releases',
      members: [ids.linus, ids.margaret],
      talk: ['ada', 'linus', 'margaret']
    },
    { name: 'random', topic: 'Anything goes', members: everyone, talk: ['grace', 'margaret', 'linus'] }
  ]
  const created: Array<{ id: string; talk: string[] }> = []
  for (const room of rooms) {
    const r = await call(
      'POST',
      '/rooms',
      { name: room.name, topic: room.topic, member_ids: room.members },
      tokens.ada
    )
    created.push({ id: r.id, talk: room.talk })
  }
  const dm = await call('POST', '/rooms', { kind: 'dm', user_id: ids.grace }, tokens.ada)
  created.push({ id: dm.id, talk: ['ada', 'grace'] })
  for (let i = 0; i < messages; i++) {
    const room = created[i % created.length]
    const sender = pick(room.talk, i + Math.floor(i / 5))
    const others = room.talk.filter((name) => name !== sender)
    const mention = i % 9 === 0 ? `@${pick(others, i)} ` : ''
    await call('POST', '/messages', { room_id: room.id, body: `${mention}${pick(LINES, i)}` }, tokens[sender])
  }
  // A picture in #general, so the demo shows a file preview too.
  const picture = await uploadPng(call, url, tokens.margaret, 'whiteboard.png')
  await call(
    'POST',
    '/messages',
    { room_id: created[0].id, body: 'The whiteboard from this morning', upload_ids: [picture] },
    tokens.margaret
  )
  // Reads: most people are nearly caught up; Grace has a backlog so the badges show something.
  for (const person of DEMO_PEOPLE) {
    const mine = await call('GET', '/rooms?$limit=100', undefined, tokens[person.username])
    for (const room of mine.data) {
      const lag = person.username === 'grace' ? 25 : person.username === 'ada' ? 0 : 4
      const readSeq = Math.max(0, room.last_seq - lag)
      if (readSeq > room.last_read_seq) {
        await call('POST', '/receipts', { room_id: room.id, read_seq: readSeq }, tokens[person.username])
      }
    }
  }
}

// Starts the app on a loopback port with generous limits (a seeding script, not a client), seeds, stops.
export const runDemo = async (overrides: Partial<Configuration> = {}, messages = 320) => {
  const defaults = (configuration() as any)() as Configuration
  const limits = {
    ...defaults.limits,
    restPerMinute: 1e6,
    registrationsPerIp: 1e6,
    loginPerEmail: 1e6,
    loginPerIp: 1e6
  }
  // One log line per seeding request would bury the logins printed at the end.
  const app = createApp({ limits, logLevel: 'warn', ...overrides })
  await migrateLatest(app.get('postgresqlClient'))
  const server: Server = await app.listen(0, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const call = caller(url)
  try {
    const seeded = await call('POST', '/authentication', {
      strategy: 'local',
      email: demoEmail('ada'),
      password: DEMO_PASSWORD
    }).then(
      () => true,
      () => false
    )
    if (!seeded) await seed(call, url, messages)
    return { alreadySeeded: seeded }
  } finally {
    app.io?.local.disconnectSockets(true)
    server.closeAllConnections()
    await app.teardown()
  }
}

if (require.main === module) {
  runDemo()
    .then(({ alreadySeeded }) => {
      console.log(alreadySeeded ? 'The demo org was already there.' : 'Demo org "Demo Corp" created.')
      console.log('\nLog in at http://localhost:3030/ (run `npm start`) as any of:')
      for (const p of DEMO_PEOPLE)
        console.log(`  ${p.role.padEnd(8)} ${demoEmail(p.username).padEnd(28)} password: ${DEMO_PASSWORD}`)
      process.exit(0)
    })
    .catch((error) => {
      console.error('demo failed:', error)
      process.exit(1)
    })
}
