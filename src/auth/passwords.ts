// Password hashes: argon2id through @node-rs/argon2 (native; hashing and verifying run on libuv's threadpool, so
// a burst of logins does not stall the event loop the way bcryptjs's pure-JS rounds did). Hashes made by bcrypt
// before the switch still verify, and are replaced by an argon2id hash at the user's next successful login.
import { hash, parseOptions, verify } from '@node-rs/argon2'
import bcrypt from 'bcryptjs'

// configuration `passwords` (src/configuration.ts): argon2id memory (KiB), passes and lanes for new hashes.
export interface PasswordSettings {
  memoryCostKiB: number
  timeCost: number
  parallelism: number
}

const BCRYPT = /^\$2[abxy]\$/
const ARGON2ID = '$argon2id$'

// Without an explicit algorithm @node-rs/argon2 makes argon2id (its const enum cannot be imported under tsx).
export const hashPassword = (password: string, settings: PasswordSettings) =>
  hash(password, {
    memoryCost: settings.memoryCostKiB,
    timeCost: settings.timeCost,
    parallelism: settings.parallelism
  })

// True when `password` matches the stored hash (argon2id, or a bcrypt hash from before); false for anything
// else, including a malformed stored value.
export const verifyPassword = async (stored: string | null | undefined, password: string) => {
  if (typeof stored !== 'string' || typeof password !== 'string') return false
  try {
    if (BCRYPT.test(stored)) return await bcrypt.compare(password, stored)
    if (stored.startsWith('$argon2')) return await verify(stored, password)
  } catch {
    // A corrupt hash is a failed login, not a 500.
  }
  return false
}

// A hash to replace after a successful login: bcrypt, another argon2 variant, or weaker than the settings.
export const needsRehash = (stored: string, settings: PasswordSettings) => {
  if (!stored.startsWith(ARGON2ID)) return true
  try {
    const used = parseOptions(stored)
    return (
      used.memoryCost < settings.memoryCostKiB ||
      used.timeCost < settings.timeCost ||
      used.parallelism !== settings.parallelism
    )
  } catch {
    return true
  }
}

// Verified against when the email is unknown, so a miss costs about as long as a wrong password: one per
// settings (an argon2 hash's cost is read from the hash itself).
const dummies = new Map<string, Promise<string>>()
export const dummyHash = (settings: PasswordSettings) => {
  const key = `${settings.memoryCostKiB}:${settings.timeCost}:${settings.parallelism}`
  if (!dummies.has(key)) dummies.set(key, hashPassword('not-a-real-password', settings))
  return dummies.get(key)!
}
