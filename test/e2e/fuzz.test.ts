// Fuzz: ≥10,000 hostile calls over REST and Socket.IO against every service and method. No 5xx, every socket
// call answered, the process stays up, and no refused call changes any table. Replay with FUZZ_SEED=<seed>.
import assert from 'node:assert/strict'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import { sharedServer } from '../helpers/server'
import { api } from '../helpers/fixtures'
import { outboxSettled, pool, publicTables, restCall, rowCounts, socketArgs } from '../helpers/attack'
import type { Answer, CallArgs, Method } from '../helpers/attack'
import { buildCast, closeCast } from '../helpers/attack-fixtures'
import type { ActorName, Cast } from '../helpers/attack-fixtures'
import {
  METHODS,
  ONE_MB,
  RAW_BODIES,
  RAW_PATHS,
  hostileArgs,
  mulberry32,
  pick
} from '../helpers/attack-payloads'

const SEED = Number(process.env.FUZZ_SEED ?? 20261125)
const CALLS = Number(process.env.FUZZ_CALLS ?? 10000)
const SOCKET_TIMEOUT_MS = 4000
// engine.io closes a connection whose frame exceeds maxHttpBufferSize (1e6 in src/app.ts): that close is
// the server's answer to an oversized frame, and only to one.
const MAX_FRAME = 1e6
// A path segment named like an Object.prototype member: Feathers' router (transport-commons RouteNode keeps
// its children in a plain object) throws `child.lookup is not a function` → 500 on REST and Socket.IO.
const PROTO_SEGMENT =
  /\/(__proto__|constructor|prototype|toString|valueOf|hasOwnProperty|isPrototypeOf|propertyIsEnumerable|toLocaleString|__defineGetter__|__defineSetter__|__lookupGetter__|__lookupSetter__)(\/|\?|$)/

interface Outcome {
  transport: 'rest' | 'socketio'
  label: string
  answer: Answer
  bytes: number
  // Cases the issue 9 hardening closed (they answered 500 or never before it): reported in their own tests.
  gap: 'nul' | 'traversal' | 'socket-update' | 'prototype-path' | null
}

// One authenticated socket that reconnects after the server closes it (oversized frames).
class Slot {
  private socket: Socket | null = null
  private opening: Promise<void> | null = null
  private pending = new Set<(a: Answer) => void>()
  private sizes = new Map<(a: Answer) => void, number>()
  disconnects = 0
  constructor(
    private url: string,
    private token?: string
  ) {}

  private async open() {
    const socket = io(this.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    socket.on('disconnect', (reason) => {
      this.disconnects++
      // Calls in flight when engine.io dropped an oversized frame lose their connection with it: that close
      // is the server's answer. An anonymous socket is closed after the authentication timeout (by design).
      const oversized = [...this.pending].some((settle) => (this.sizes.get(settle) ?? 0) > MAX_FRAME)
      const anonymousTimeout = !this.token && reason === 'io server disconnect'
      const name = oversized ? 'ClosedOversize' : anonymousTimeout ? 'ClosedAnonymous' : 'Disconnected'
      for (const settle of [...this.pending]) settle({ name, status: 0, body: reason })
      this.pending.clear()
      if (this.socket === socket) this.socket = null
    })
    if (this.token) {
      const error = await new Promise<any>((resolve) =>
        socket.emit('create', 'authentication', { strategy: 'jwt', accessToken: this.token }, {}, resolve)
      )
      if (error) throw new Error(`socket login: ${JSON.stringify(error)}`)
    }
    this.socket = socket
  }

  async call(method: string, path: unknown, payload: unknown[], bytes: number): Promise<Answer> {
    // One (re)connection at a time, shared by every call that finds the socket closed.
    while (!this.socket) {
      this.opening ??= this.open().finally(() => (this.opening = null))
      await this.opening
    }
    const socket = this.socket
    return new Promise((resolve) => {
      const settle = (answer: Answer) => {
        clearTimeout(timer)
        this.pending.delete(settle)
        this.sizes.delete(settle)
        resolve(answer)
      }
      const timer = setTimeout(() => settle({ name: 'Timeout', status: 0, body: null }), SOCKET_TIMEOUT_MS)
      this.pending.add(settle)
      this.sizes.set(settle, bytes)
      socket.emit(method, path, ...payload, (error: any, data: unknown) => {
        if (error) settle({ name: error.name ?? 'Error', status: Number(error.code) || 500, body: error })
        else settle({ name: 'ok', status: 200, body: data })
      })
    })
  }

  close() {
    this.socket?.close()
  }
}

const safeJson = (value: unknown, max = 120) => {
  try {
    return (JSON.stringify(value) ?? '').slice(0, max)
  } catch {
    return '(unprintable)'
  }
}
const sizeOf = (value: unknown) => {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '')
  } catch {
    return Infinity
  }
}
const hasNul = (value: unknown) => {
  try {
    return /\\u0000|%00/i.test(JSON.stringify(value) ?? '')
  } catch {
    return false
  }
}

describe('fuzz: hostile payloads over REST and Socket.IO', function () {
  this.timeout(180000)
  let cast: Cast
  const outcomes: Outcome[] = []
  const slots: Slot[] = []
  const failuresOf = (gaps: boolean, only?: Outcome['gap']) =>
    outcomes
      .filter((o) => (o.gap !== null) === gaps && (!only || o.gap === only))
      .filter(
        (o) => o.answer.name === 'Timeout' || o.answer.status >= 500 || o.answer.name === 'Disconnected'
      )
      .map(
        (o) =>
          `${o.transport} ${o.label} → ${o.answer.name} ${o.answer.status} ${JSON.stringify(o.answer.body)?.slice(0, 160)}`
      )

  before(async function () {
    this.timeout(180000)
    const { url, app } = sharedServer()
    const db = app.get('postgresqlClient')
    cast = await buildCast(url, db)
    const tables = await publicTables(db)
    // Reads that legitimately write: notification-preferences.find creates the caller's defaults row once.
    // push-subscriptions.find generates the server's VAPID keys once (push_vapid_keys) when none are set.
    for (const who of ['admin', 'rmember', 'other'] as const) {
      await api(url, 'GET', '/notification-preferences', undefined, cast.headers[who])
      await api(url, 'GET', '/push-subscriptions', undefined, cast.headers[who])
    }
    const callers: ActorName[] = ['admin', 'rmember', 'other', 'anon']
    for (const who of callers) slots.push(new Slot(url, cast.users[who]?.accessToken))
    const paths = [...Object.keys((app as any).services), 'authentication', 'nonexistent', '__proto__']
    const realIds = [
      cast.room.id,
      cast.message.id,
      cast.users.rmember.id,
      cast.orgA.id,
      cast.inviteId,
      cast.keyWithId,
      ...Object.values(cast.privateIds)
    ]
    const rng = mulberry32(SEED)
    console.log(`      fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED}), ${CALLS} calls`)

    // Everything is drawn up front, in order, so the payloads depend on the seed alone.
    type Planned = () => Promise<Outcome>
    const plan: Planned[] = []
    for (let i = 0; i < CALLS; i++) {
      const transport = rng() < 0.5 ? 'rest' : 'socketio'
      const path = pick(rng, paths)
      const method = pick(rng, METHODS) as Method
      const args: CallArgs = hostileArgs(rng, method, realIds)
      // Logging out (authentication.remove) would end the fuzz callers' own sessions: anonymous only there.
      const drawn = pick(rng, [...callers, 'keyWith'] as ActorName[])
      const who: ActorName = path === 'authentication' ? 'anon' : drawn
      const label = `#${i} ${who} ${method} ${path} ${safeJson(args)}`
      if (transport === 'rest') {
        const roll = rng()
        const raw: { rawPath?: string; rawBody?: string | Uint8Array; contentType?: string } | undefined =
          roll < 0.08
            ? { rawPath: pick(rng, RAW_PATHS) }
            : roll < 0.16
              ? (() => {
                  const b = pick(rng, RAW_BODIES)
                  return { rawBody: b.body, contentType: b.type }
                })()
              : undefined
        const m: Method =
          raw?.rawBody !== undefined ? pick(rng, ['create', 'patch', 'update'] as Method[]) : method
        const rawPath = raw?.rawPath
        const gap = PROTO_SEGMENT.test(rawPath ?? `/${path}/${String(args.id)}`)
          ? 'prototype-path'
          : rawPath && /\.\.|%2e|%5c/i.test(rawPath)
            ? 'traversal'
            : hasNul([args, rawPath, raw])
              ? 'nul'
              : null
        plan.push(async () => ({
          transport,
          label: `${label}${m !== method ? ` (sent as ${m})` : ''} ${rawPath ?? ''} ${raw?.contentType ?? ''}`,
          answer: await restCall(url, cast.headers[who], m, path, args, raw).catch((error) => ({
            name: 'FetchError',
            status: 599,
            body: String(error)
          })),
          bytes: 0,
          gap
        }))
      } else {
        const slot = slots[callers.indexOf(who === 'keyWith' ? 'anon' : who)]
        const unknown = rng() < 0.03
        const payload = unknown ? [args.data, args.query] : socketArgs(method, args)
        const name = unknown ? pick(rng, ['foo', 'constructor', '__proto__', 'toString']) : method
        const target = unknown && rng() < 0.5 ? pick(rng, [{}, 123, null, ['users']]) : path
        const gap =
          typeof target === 'string' && PROTO_SEGMENT.test(`/${target}`)
            ? 'prototype-path'
            : method === 'update' && !unknown
              ? 'socket-update'
              : hasNul(payload)
                ? 'nul'
                : null
        plan.push(async () => ({
          transport,
          label: `${label} ${unknown ? `emit(${name}, ${JSON.stringify(target)})` : ''}`,
          answer: await slot.call(name, target, payload, sizeOf(payload)),
          bytes: sizeOf(payload),
          gap
        }))
      }
    }

    await outboxSettled(db)
    const before = await rowCounts(db, tables)
    const started = Date.now()
    await pool(plan, 24, async (run) => {
      outcomes.push(await run())
    })
    await outboxSettled(db)
    const after = await rowCounts(db, tables)
    const closed = outcomes.filter((o) => o.answer.name.startsWith('Closed')).length
    console.log(
      `      ${outcomes.length} calls in ${Date.now() - started} ms (${closed} lost with a closed socket)`
    )
    countsBefore = before
    countsAfter = after
  })
  let countsBefore: Record<string, number> = {}
  let countsAfter: Record<string, number> = {}
  after(() => {
    for (const slot of slots) slot.close()
    closeCast(cast)
  })

  it(`made at least ${CALLS} hostile calls over both transports and every service`, () => {
    assert.ok(outcomes.length >= CALLS)
    assert.ok(outcomes.filter((o) => o.transport === 'socketio').length > CALLS / 3)
    assert.ok(outcomes.filter((o) => o.transport === 'rest').length > CALLS / 3)
  })

  it('no answer is a 5xx and every socket call is answered (outside the known gaps)', () => {
    assert.deepEqual(failuresOf(false).slice(0, 40), [])
  })

  it('no hostile write was accepted and no table changed (row counts of every table)', () => {
    const accepted = outcomes
      .filter((o) => o.answer.name === 'ok' && /\b(create|patch|remove|update) /.test(o.label))
      .filter((o) => !/ (authentication|typing|presence) /.test(o.label))
      .map((o) => o.label)
    assert.deepEqual(accepted.slice(0, 20), [])
    // Excluded, each written by what is not a change a caller asked for:
    // audit_logs: failed logins are recorded on purpose (the fuzz sends hostile credentials);
    // auth_sessions/refresh_tokens: the fuzz sockets log in (and the server may reconnect them);
    // agenda_jobs: Agenda's own recurring-job bookkeeping runs on a clock;
    // analytics_*: a report (a read) first folds the set-up's earlier sends into the rollups.
    const skip = ['audit_logs', 'auth_sessions', 'refresh_tokens', 'agenda_jobs']
    const derived = (table: string) => table.startsWith('analytics_') && table !== 'analytics_member_joins'
    const changed = Object.keys(countsBefore).filter(
      (t) => !skip.includes(t) && !derived(t) && countsBefore[t] !== countsAfter[t]
    )
    assert.deepEqual(
      changed.map((t) => `${t}: ${countsBefore[t]} → ${countsAfter[t]}`),
      []
    )
  })

  it('no answer carries a stack trace or a server path', () => {
    const leaky = outcomes
      .filter((o) => /"stack"|node_modules|\/src\/[a-z-]+\.ts/.test(safeJson(o.answer.body, 100000)))
      .map((o) => `${o.transport} ${o.label}`)
    assert.deepEqual(leaky.slice(0, 20), [])
  })

  it('the process is still up and serving', async () => {
    const { url } = sharedServer()
    assert.equal((await fetch(`${url}/health/live`)).status, 200)
    const me = await api(url, 'GET', `/users/${cast.users.admin.id}`, undefined, cast.headers.admin)
    assert.equal(me.status, 200)
  })

  describe('cases of the issue 9 hardening (NUL bytes, traversal paths, socket update, Object.prototype path segments)', () => {
    for (const gap of ['nul', 'traversal', 'socket-update', 'prototype-path'] as const) {
      it(`no 5xx and no unanswered socket call: ${gap}`, () => {
        assert.ok(
          outcomes.some((o) => o.gap === gap),
          `no ${gap} case was drawn`
        )
        assert.deepEqual(failuresOf(true, gap).slice(0, 20), [])
      })
    }
  })

  // Found by FUZZ_SEED=7 (#5523): a `strategy` that cannot become a string (an object whose toString is not a
  // function) made the authentication core throw a TypeError → 500 (fixed in src/auth: `strategy` must be
  // a string before AuthenticationService.authenticate); asserted here on both transports.
  describe('regression: authentication.create with a non-string strategy', () => {
    const body = '{"strategy":{"toString":"x"},"email":"a@example.com","password":"x"}'
    it('answers 4xx over REST', async () => {
      const { url } = sharedServer()
      const res = await fetch(`${url}/authentication`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body
      })
      assert.ok(res.status >= 400 && res.status < 500, `got ${res.status}`)
    })
    it('answers 4xx over Socket.IO', async () => {
      const slot = new Slot(sharedServer().url)
      try {
        const answer = await slot.call('create', 'authentication', [JSON.parse(body), {}], body.length)
        assert.ok(answer.status >= 400 && answer.status < 500, `got ${answer.name} ${answer.status}`)
      } finally {
        slot.close()
      }
    })
  })

  void ONE_MB
})
