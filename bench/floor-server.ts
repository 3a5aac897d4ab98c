// What the machine allows under `steady`/`ramp` before any of ChatBoard's work: a bare Socket.IO server that
// speaks just enough of the Feathers socket protocol for the bench's own clients (log in, messages.create,
// `messages created` to the room's other sockets). `FLOOR_MODE=bare` keeps nothing; `peer` also writes one
// INSERT per message, as socket.io-chat-platform does (issue 12's peer). Not a product; `--server floor|peer`.
import http from 'node:http'
import pg from 'pg'
import { Server } from 'socket.io'

const mode = process.env.FLOOR_MODE === 'peer' ? 'peer' : 'bare'
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })

interface User {
  id: string
  email: string
  rooms: Set<string>
}

// The seeded accounts and memberships, read once: the bare server has no database after start.
const load = async () => {
  const users = new Map<string, User>()
  const { rows } = await pool.query(
    `select u.id, u.email, coalesce(array_agg(m.room_id) filter (where m.room_id is not null), '{}') as rooms
     from users u left join room_members m on m.user_id = u.id group by u.id`
  )
  for (const row of rows) users.set(row.email, { id: row.id, email: row.email, rooms: new Set(row.rooms) })
  if (mode === 'peer') {
    await pool.query(`drop table if exists bench_floor_messages`)
    await pool.query(`create table bench_floor_messages (
      id bigserial primary key, room_id uuid not null, sender_id uuid not null, body text not null,
      client_msg_id text, created_at timestamptz not null default now())`)
    await pool.query(`create index on bench_floor_messages (room_id, id)`)
  } else {
    await pool.end()
  }
  return users
}

// Feathers' socket protocol: (method, path, data, query, callback); the callback takes (error, result).
type Ack = (error: unknown, result?: unknown) => void
const fail = (ack: Ack, name: string, code: number, message: string) =>
  ack({ name, code, className: name.toLowerCase(), message, data: { code: name.toLowerCase() } })

const main = async () => {
  const users = await load()
  const seqs = new Map<string, number>()
  const httpServer = http.createServer((req, res) => {
    res.writeHead(req.url === '/health/ready' ? 200 : 404, { 'content-type': 'application/json' })
    res.end('{}')
  })
  const io = new Server(httpServer, { transports: ['websocket'], serveClient: false })
  io.on('connection', (socket) => {
    let user: User | undefined
    socket.on('create', async (path: string, data: any, _query: unknown, ack: Ack) => {
      if (typeof ack !== 'function') return
      if (path === 'authentication') {
        // No password check: the floor measures messaging, and ChatBoard's logins are measured elsewhere.
        user = users.get(data?.email)
        if (!user) return fail(ack, 'NotAuthenticated', 401, 'Invalid login')
        for (const room of user.rooms) socket.join(room)
        const { id, email } = user
        return ack(null, { accessToken: 'floor', authentication: { strategy: 'local' }, user: { id, email } })
      }
      if (path !== 'messages') return fail(ack, 'NotFound', 404, `No service ${path}`)
      if (!user) return fail(ack, 'NotAuthenticated', 401, 'Not authenticated')
      const room = data?.room_id
      if (!user.rooms.has(room)) return fail(ack, 'Forbidden', 403, 'Not a member')
      const seq = (seqs.get(room) ?? 0) + 1
      seqs.set(room, seq)
      const message: Record<string, unknown> = {
        room_id: room,
        seq,
        sender_id: user.id,
        body: data.body,
        client_msg_id: data.client_msg_id
      }
      if (mode === 'peer') {
        try {
          const { rows } = await pool.query(
            `insert into bench_floor_messages (room_id, sender_id, body, client_msg_id)
             values ($1, $2, $3, $4) returning id, created_at`,
            [room, user.id, data.body, data.client_msg_id]
          )
          Object.assign(message, rows[0])
        } catch (error: any) {
          return fail(ack, 'GeneralError', 500, error?.message ?? 'insert failed')
        }
      }
      socket.to(room).emit('messages created', message)
      ack(null, message)
    })
  })
  httpServer.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1')
  // Exit at once: nothing to flush (a --cpu-prof profile is written on exit).
  process.on('SIGTERM', () => process.exit(0))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
