// Attack-suite plumbing: raw calls over REST and Socket.IO that never throw, and database fingerprints.
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import qs from 'qs'
import type { Knex } from 'knex'

export type Transport = 'rest' | 'socketio'
export type Method = 'find' | 'get' | 'create' | 'patch' | 'remove' | 'update'

export interface CallArgs {
  id?: string | number | null
  data?: unknown
  query?: Record<string, unknown>
}

export interface Answer {
  // 'ok' for a success, else the Feathers error name ('Timeout' when a socket call got no answer).
  name: string
  status: number
  body: unknown
}

const NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'NotAuthenticated',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  408: 'Timeout',
  409: 'Conflict',
  411: 'LengthRequired',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Unprocessable',
  429: 'TooManyRequests'
}

const HTTP_METHOD: Record<Method, string> = {
  find: 'GET',
  get: 'GET',
  create: 'POST',
  patch: 'PATCH',
  remove: 'DELETE',
  update: 'PUT'
}

export const restPath = (path: string, method: Method, args: CallArgs) => {
  const id = method === 'find' || method === 'create' ? '' : `/${encodeURIComponent(String(args.id ?? ''))}`
  const query = args.query && Object.keys(args.query).length ? `?${qs.stringify(args.query)}` : ''
  return `/${path}${id}${query}`
}

// One REST call; `rawBody` and `contentType` let the fuzz send what a JSON client never would.
export const restCall = async (
  url: string,
  headers: Record<string, string>,
  method: Method,
  path: string,
  args: CallArgs,
  raw?: { rawPath?: string; rawBody?: string | Uint8Array; contentType?: string }
): Promise<Answer> => {
  const hasBody = method === 'create' || method === 'patch' || method === 'update'
  const body = raw?.rawBody ?? (hasBody ? JSON.stringify(args.data ?? {}) : undefined)
  const res = await fetch(`${url}${raw?.rawPath ?? restPath(path, method, args)}`, {
    method: HTTP_METHOD[method],
    headers: {
      ...(body !== undefined ? { 'content-type': raw?.contentType ?? 'application/json' } : {}),
      ...headers
    },
    body: body as any
  })
  const text = await res.text()
  let json: any = text
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    // keep the text
  }
  const name = res.status < 300 ? 'ok' : (json?.name ?? NAMES[res.status] ?? `HTTP${res.status}`)
  return { name, status: res.status, body: json }
}

export const socketArgs = (method: Method, args: CallArgs): unknown[] => {
  const query = args.query ?? {}
  switch (method) {
    case 'find':
      return [query]
    case 'get':
    case 'remove':
      return [args.id, query]
    case 'create':
      return [args.data, query]
    default:
      return [args.id, args.data, query]
  }
}

// One Socket.IO call the way the Feathers client makes it; an unanswered call is reported, never awaited forever.
export const socketCall = (
  socket: Socket,
  method: string,
  path: string,
  payload: unknown[],
  timeoutMs = 5000
): Promise<Answer> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ name: 'Timeout', status: 0, body: null }), timeoutMs)
    socket.emit(method, path, ...payload, (error: any, data: unknown) => {
      clearTimeout(timer)
      if (error) resolve({ name: error.name ?? 'Error', status: Number(error.code) || 500, body: error })
      else resolve({ name: 'ok', status: 200, body: data })
    })
  })

export const openSocket = async (url: string, accessToken?: string): Promise<Socket> => {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  if (accessToken) {
    const answer = await socketCall(socket, 'create', 'authentication', [
      { strategy: 'jwt', accessToken },
      {}
    ])
    if (answer.name !== 'ok') throw new Error(`socket login failed: ${JSON.stringify(answer.body)}`)
  }
  return socket
}

// Every base table of the public schema, except knex's own bookkeeping.
export const publicTables = async (db: Knex): Promise<string[]> => {
  const rows = await db('information_schema.tables')
    .select('table_name')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .whereNot('table_name', 'like', 'knex_migrations%')
    .orderBy('table_name')
  return rows.map((row: any) => row.table_name as string)
}

export const rowCounts = async (db: Knex, tables: string[]): Promise<Record<string, number>> => {
  const counts: Record<string, number> = {}
  for (const table of tables) {
    const [{ count }] = await db(table).count('* as count')
    counts[table] = Number(count)
  }
  return counts
}

// Columns that change on their own, not through what a refused call asked for: users.last_seen_at (presence
// sweeps), api_keys.last_used_at (a key that authenticated was used, even when its call is then refused).
const VOLATILE = ['last_seen_at', 'last_used_at']

// Row count plus an md5 over every row's content, per table: any insert, update or delete changes it.
export const fingerprint = async (db: Knex, tables: string[]): Promise<Record<string, string>> => {
  const out: Record<string, string> = {}
  for (const table of tables) {
    const drop = VOLATILE.map((c) => ` - '${c}'`).join('')
    const { rows } = await db.raw(
      `select count(*)::int as n, md5(coalesce(string_agg((to_jsonb(t)${drop})::text, '|' order by (to_jsonb(t)${drop})::text), '')) as h from ?? t`,
      [table]
    )
    out[table] = `${rows[0].n}:${rows[0].h}`
  }
  return out
}

// After-commit work (notifications, digests) lands asynchronously: wait until the outbox has no live row left
// (a row being drained is leased into the future, so "nothing due" is not enough), for the given orgs if any.
export const outboxSettled = async (db: Knex, orgIds: string[] = [], timeoutMs = 10000) => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const query = db('outbox').whereNull('dead_at')
    if (orgIds.length) query.whereIn('org_id', orgIds)
    const [{ count }] = await query.count('* as count')
    if (Number(count) === 0 || Date.now() > until) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

// Runs `fn` over `items` with at most `limit` in flight.
export const pool = async <T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>) => {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      await fn(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
