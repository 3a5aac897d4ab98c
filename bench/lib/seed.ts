// Bench data, seeded with SQL before any server starts: a fresh database (chatboard_bench on PostgreSQL, or a
// fresh PGlite folder for the embedded target), migrated with the app's own migrateLatest, then one org,
// users, group rooms and optional history inserted in batches. 1,000 users take well under a second this
// way, where registering and inviting them through the API would take minutes of password hashing and invites.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Knex } from 'knex'
import defaults from '../../config/default.json'
import { hashPassword } from '../../src/auth/passwords'
import { createKnex, migrateLatest } from '../../src/postgresql'
import { recreateDatabase } from './database'

export const PASSWORD = 'bench password 1'

export interface SeedPlan {
  users: number // members that the scenario drives
  roomSize: number // members per group room (the last room may be smaller)
  sendersPerRoom?: number // extra members per room that only send (reconnect scenario)
  history?: number // messages already in each room
}

export interface SeededUser {
  idx: number
  id: string
  email: string
  password: string
  rooms: string[]
  sender: boolean
}

export interface SeededRoom {
  id: string
  members: number[]
  lastSeq: number
}

export interface Seeded {
  orgId: string
  users: SeededUser[]
  rooms: SeededRoom[]
}

export interface Database {
  databaseUrl: string // '' for the embedded target
  dataDir: string // PGlite folder for the embedded target
  dbName: string
  cleanup: () => Promise<void>
}

// Drops and recreates the bench database (PostgreSQL) or makes a fresh PGlite folder (embedded).
export const freshDatabase = async (
  embedded: boolean,
  baseUrl: string,
  dbName: string
): Promise<Database> => {
  if (embedded) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatboard-bench-'))
    return {
      databaseUrl: '',
      dataDir,
      dbName,
      cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
  const url = new URL(baseUrl)
  url.pathname = `/${dbName}`
  await recreateDatabase(url)
  return { databaseUrl: url.toString(), dataDir: '', dbName, cleanup: async () => undefined }
}

const insertChunks = async (db: Knex, table: string, rows: Record<string, unknown>[], size = 1000) => {
  for (let i = 0; i < rows.length; i += size) await db(table).insert(rows.slice(i, i + size))
}

// Migrates and seeds; closes its connection before returning (PGlite allows the server only after that).
export const migrateAndSeed = async (database: Database, plan: SeedPlan): Promise<Seeded> => {
  const db = createKnex({ url: database.databaseUrl, dataDir: database.dataDir, poolMax: 4 })
  try {
    await migrateLatest(db)
    return await seed(db, plan)
  } finally {
    await db.destroy()
  }
}

const seed = async (db: Knex, plan: SeedPlan): Promise<Seeded> => {
  const orgId = crypto.randomUUID()
  const tag = crypto.randomBytes(3).toString('hex')
  await db('orgs').insert({ id: orgId, name: 'Bench', slug: `bench-${tag}` })
  // One argon2id hash with the server's default costs for everyone: logins verify it as production would, and
  // no login upgrades a weaker hash in the middle of a measurement.
  const hash = await hashPassword(PASSWORD, defaults.passwords)
  const roomSize = Math.max(1, plan.roomSize)
  const roomCount = Math.ceil(plan.users / roomSize)
  const senders = plan.sendersPerRoom ?? 0
  const users: SeededUser[] = []
  const rooms: SeededRoom[] = []
  const userRows: Record<string, unknown>[] = []
  const addUser = (sender: boolean) => {
    const idx = users.length
    const user = {
      idx,
      id: crypto.randomUUID(),
      email: `bench${idx}@bench.test`,
      password: PASSWORD,
      rooms: [],
      sender
    }
    users.push(user)
    userRows.push({
      id: user.id,
      org_id: orgId,
      email: user.email,
      username: `bench${idx}`,
      name: `Bench ${idx}`,
      password: hash,
      role: idx === 0 ? 'ADMIN' : 'MEMBER',
      email_verified: true
    })
    return user
  }
  // Driven users first (idx 0..users-1), then the senders, so indexes match --users.
  for (let i = 0; i < plan.users; i++) addUser(false)
  for (let r = 0; r < roomCount; r++) {
    const members = users.slice(r * roomSize, Math.min(plan.users, (r + 1) * roomSize)).map((u) => u.idx)
    rooms.push({ id: crypto.randomUUID(), members, lastSeq: plan.history ?? 0 })
  }
  for (const room of rooms) for (let s = 0; s < senders; s++) room.members.push(addUser(true).idx)
  await insertChunks(db, 'users', userRows)

  const roomRows = rooms.map((room, r) => ({
    id: room.id,
    org_id: orgId,
    kind: 'group',
    name: `bench room ${r}`,
    created_by: users[room.members[0]].id,
    join_code: crypto.randomBytes(9).toString('base64url'),
    member_count: room.members.length,
    last_seq: room.lastSeq,
    last_message_at: room.lastSeq > 0 ? new Date() : null
  }))
  await insertChunks(db, 'rooms', roomRows)
  const memberRows: Record<string, unknown>[] = []
  for (const room of rooms) {
    room.members.forEach((idx, i) => {
      users[idx].rooms.push(room.id)
      memberRows.push({
        room_id: room.id,
        user_id: users[idx].id,
        org_id: orgId,
        role: i === 0 ? 'owner' : 'member',
        last_read_seq: room.lastSeq,
        delivered_seq: room.lastSeq
      })
    })
  }
  await insertChunks(db, 'room_members', memberRows)

  if (plan.history) {
    const start = Date.now() - plan.history * 1000
    for (const room of rooms) {
      const rows = []
      for (let seq = 1; seq <= plan.history; seq++) {
        const created = new Date(start + seq * 1000)
        rows.push({
          org_id: orgId,
          room_id: room.id,
          seq,
          sender_id: users[room.members[seq % room.members.length]].id,
          body: `history message ${seq} `.padEnd(80, 'x'),
          created_at: created,
          updated_at: created
        })
      }
      await insertChunks(db, 'messages', rows)
    }
  }
  return { orgId, users, rooms }
}
