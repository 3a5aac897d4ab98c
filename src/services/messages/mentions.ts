// `@username` mentions: parsed from the text, kept only for users who are members of the room.
import type { Knex } from 'knex'
import { withoutBlocked } from '../friendships/blocks'

const MENTION = /(^|[^\w@.-])@([a-z0-9][a-z0-9._-]{1,31})/gi

export const parseMentionNames = (body: string): string[] => {
  const names = new Set<string>()
  for (const match of body.matchAll(MENTION)) names.add(match[2].toLowerCase().replace(/[._-]+$/, ''))
  return [...names].filter((name) => name.length >= 2)
}

// Someone who blocked the sender (or whom the sender blocked) is never mentioned by them.
export const resolveMentions = async (
  db: Knex,
  roomId: string,
  body: string,
  senderId: string
): Promise<string[]> => {
  const names = parseMentionNames(body)
  if (names.length === 0) return []
  const rows = await db('users as u')
    .join('room_members as rm', 'rm.user_id', 'u.id')
    .where('rm.room_id', roomId)
    .whereRaw('lower(u.username) = any(?::text[])', [names])
    .select('u.id')
  return withoutBlocked(
    db,
    senderId,
    rows.map((row) => row.id as string)
  )
}
