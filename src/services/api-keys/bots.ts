// Bot identities of API keys: creating one (a user of kind `bot`, no email, no password, no org role) and
// telling bots from people cheaply when messages and members are shown.
import crypto from 'node:crypto'
import type { Knex } from 'knex'

export type UserKind = 'person' | 'bot'

// A username that fits USERNAME_PATTERN (users.schema.ts): the name as a slug, `-bot-`, 6 random characters.
export const botUsername = (name: string) => {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 18)
    .replace(/-+$/, '')
  const suffix = crypto
    .randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 6)
  return `${slug || 'api'}-bot-${suffix}`
}

// In the caller's transaction (the key and its bot commit together). Bots are never notified: nothing reads
// their notifications, and they have no email to send a digest to.
export const createBot = async (trx: Knex.Transaction, orgId: string, name: string) => {
  const [bot] = await trx('users')
    .insert({ org_id: orgId, kind: 'bot', email: null, role: null, username: botUsername(name), name })
    .returning('*')
  await trx('notification_preferences').insert({
    user_id: bot.id,
    level: 'nothing',
    email: false,
    push: false
  })
  delete bot.password
  return bot
}

// A user's kind never changes, so it can be remembered for good (bounded, so a long-lived process stays
// small). Promises are cached so a page of messages from one sender asks once; a kind already read is
// answered at once (no promise: resolvers of whole pages call this per message).
const MAX_CACHED = 50_000
const kinds = new Map<string, Promise<UserKind> | UserKind>()

export const userKindOf = (
  db: Knex,
  userId: string | null | undefined
): UserKind | undefined | Promise<UserKind | undefined> => {
  if (!userId) return undefined
  let known = kinds.get(userId)
  if (!known) {
    if (kinds.size >= MAX_CACHED) kinds.clear()
    const pending = db('users')
      .where({ id: userId })
      .first('kind')
      .then((row) => {
        const kind = (row?.kind ?? 'person') as UserKind
        if (kinds.get(userId) === pending) kinds.set(userId, kind)
        return kind
      })
    pending.catch(() => kinds.delete(userId))
    kinds.set(userId, (known = pending))
  }
  return known
}
