// Smoke test of the embedded default: the real server with no DATABASE_URL/REDIS_URL keeps its data in DATA_DIR
// across a restart. Run with `npm run test:smoke` (tsx); prints `smoke: N passed, N failed` last.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../helpers/free-port'

const ROOT = path.resolve(__dirname, '..', '..')
const READY_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 15_000
const REQUEST_TIMEOUT_MS = 10_000

interface Server {
  child: ChildProcess
  url: string
  output: string[]
  exited: Promise<number | null>
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// The server as a user would run it: its own process, development settings, embedded PGlite in DATA_DIR.
const startServer = (dataDir: string, port: number): Server => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }
  const unset = ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'NODE_CONFIG_ENV', 'NODE_CONFIG']
  for (const name of unset) delete env[name]
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const output: string[] = []
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean))
    if (output.length > 200) output.splice(0, output.length - 200)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, url: `http://127.0.0.1:${port}`, output, exited }
}

const request = async (url: string, method: string, body?: unknown, token?: string) => {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  })
  const text = await res.text()
  let json: any = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = text
  }
  return { status: res.status, body: json }
}

const expectStatus = (what: string, res: { status: number; body: any }, status: number) => {
  if (res.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)}`)
  }
}

const waitReady = async (server: Server) => {
  const deadline = Date.now() + READY_TIMEOUT_MS
  let exitCode: number | null | undefined
  void server.exited.then((code) => (exitCode = code))
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited with code ${exitCode} before it was ready`)
    try {
      const res = await request(`${server.url}/health/ready`, 'GET')
      if (res.status === 200) return
      last = `HTTP ${res.status} ${JSON.stringify(res.body)}`
    } catch (error: any) {
      last = error?.cause?.code ?? error?.message ?? String(error)
    }
    await delay(250)
  }
  throw new Error(`server not ready within ${READY_TIMEOUT_MS / 1000}s (last: ${last})`)
}

// SIGTERM is the graceful path (index.ts tears the app down and closes PGlite); SIGKILL only if it hangs.
const stopServer = async (server: Server) => {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  server.child.kill('SIGTERM')
  const code = await Promise.race([server.exited, delay(STOP_TIMEOUT_MS).then(() => 'timeout' as const)])
  if (code === 'timeout') {
    server.child.kill('SIGKILL')
    await server.exited
    throw new Error(`server did not stop within ${STOP_TIMEOUT_MS / 1000}s of SIGTERM`)
  }
  if (code !== 0) throw new Error(`server exited with code ${code} after SIGTERM`)
}

const login = async (url: string, email: string, password: string) => {
  const res = await request(`${url}/authentication`, 'POST', { strategy: 'local', email, password })
  expectStatus('login', res, 201)
  if (typeof res.body?.accessToken !== 'string') throw new Error('login: no accessToken in the answer')
  return res.body as { accessToken: string; user: { id: string; email: string } }
}

const checkOwnProfile = async (url: string, id: string, token: string, email: string) => {
  const res = await request(`${url}/users/${id}`, 'GET', undefined, token)
  expectStatus(`GET /users/${id}`, res, 200)
  if (res.body?.id !== id || res.body?.email !== email) {
    throw new Error(`GET /users/${id}: unexpected user ${JSON.stringify(res.body)}`)
  }
  if ('password' in res.body) throw new Error(`GET /users/${id}: the password hash was returned`)
}

// Full-text search on PGlite (tsvector trigger, GIN index, ts_headline): a message is found by a word, with
// a highlight range; after an edit only by its new text. On the way, the message comes in a bulk catch-up.
const checkSearch = async (url: string, token: string) => {
  const org = await request(`${url}/orgs`, 'POST', { name: 'Smoke Org' }, token)
  expectStatus('POST /orgs', org, 201)
  const room = await request(`${url}/rooms`, 'POST', { name: 'Smoke room' }, token)
  expectStatus('POST /rooms', room, 201)
  const sent = await request(
    `${url}/messages`,
    'POST',
    { room_id: room.body.id, body: 'the smoky kettle' },
    token
  )
  expectStatus('POST /messages', sent, 201)
  // The bulk catch-up's batched statement on PGlite: the message as sent, its timestamps as JSON wrote them.
  const caught = await request(`${url}/catch-up`, 'GET', undefined, token)
  expectStatus('GET /catch-up', caught, 200)
  const item = caught.body?.data?.find((m: any) => m.id === sent.body.id)
  if (!item || item.created_at !== sent.body.created_at || item.updated_at !== sent.body.updated_at) {
    throw new Error(`GET /catch-up: unexpected answer ${JSON.stringify(caught.body)}`)
  }
  const found = await request(`${url}/search?q=kettle`, 'GET', undefined, token)
  expectStatus('GET /search', found, 200)
  const hit = found.body?.data?.[0]
  if (
    found.body?.data?.length !== 1 ||
    hit.id !== sent.body.id ||
    hit.snippet.slice(hit.highlights[0]?.start, hit.highlights[0]?.end) !== 'kettle'
  ) {
    throw new Error(`GET /search: unexpected answer ${JSON.stringify(found.body)}`)
  }
  const edited = await request(`${url}/messages/${sent.body.id}`, 'PATCH', { body: 'a shiny teapot' }, token)
  expectStatus('PATCH /messages', edited, 200)
  const old = await request(`${url}/search?q=kettle`, 'GET', undefined, token)
  const fresh = await request(`${url}/search?q=teapot&room_id=${room.body.id}`, 'GET', undefined, token)
  if (old.body?.data?.length !== 0 || fresh.body?.data?.[0]?.id !== sent.body.id) {
    throw new Error(`GET /search after an edit: ${JSON.stringify(old.body)} ${JSON.stringify(fresh.body)}`)
  }
}

// Runs one phase against a fresh server process on `dataDir`, always stopping the process afterwards.
const phase = async (title: string, dataDir: string, body: (url: string) => Promise<void>) => {
  const port = await freePort()
  const server = startServer(dataDir, port)
  const started = Date.now()
  try {
    await waitReady(server)
    console.log(`  server ready on ${server.url} after ${Date.now() - started} ms`)
    await body(server.url)
    await stopServer(server)
    console.log(`ok - ${title}`)
    return true
  } catch (error: any) {
    console.error(`not ok - ${title}: ${error?.message ?? error}`)
    console.error('  last server output:')
    for (const line of server.output.slice(-30)) console.error(`    ${line}`)
    server.child.kill('SIGKILL')
    return false
  }
}

const main = async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatboard-smoke-'))
  const suffix = crypto.randomBytes(4).toString('hex')
  const account = {
    email: `smoke-${suffix}@example.com`,
    username: `smoke${suffix}`,
    name: 'Smoke Test',
    password: 'smoke test password 1'
  }
  let userId = ''
  console.log(`smoke: embedded database in ${dataDir}`)

  const results: boolean[] = []
  results.push(
    await phase('register, log in and read own profile on a fresh data folder', dataDir, async (url) => {
      const created = await request(`${url}/users`, 'POST', account)
      expectStatus('POST /users', created, 201)
      userId = created.body.id
      const auth = await login(url, account.email, account.password)
      if (auth.user?.id !== userId) throw new Error('login: answered with another user')
      await checkOwnProfile(url, userId, auth.accessToken, account.email)
    })
  )
  if (results[0]) {
    results.push(
      await phase('after a restart on the same data folder the user still logs in', dataDir, async (url) => {
        const auth = await login(url, account.email, account.password)
        if (auth.user?.id !== userId) throw new Error('login after restart: answered with another user')
        await checkOwnProfile(url, userId, auth.accessToken, account.email)
        await checkSearch(url, auth.accessToken)
      })
    )
  } else {
    console.error('not ok - restart phase skipped because the first phase failed')
    results.push(false)
  }

  const passed = results.filter(Boolean).length
  const failed = results.length - passed
  if (failed === 0) fs.rmSync(dataDir, { recursive: true, force: true })
  else console.error(`smoke: data folder kept for inspection: ${dataDir}`)
  console.log(`smoke: ${passed} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
}

main().catch((error) => {
  console.error('smoke: unexpected failure:', error)
  console.log('smoke: 0 passed, 2 failed')
  process.exit(1)
})
