// Password hashes: argon2id through @node-rs/argon2 (native; hashing and verifying run on a low-priority thread
// of their own, password-threads.ts, so a burst of logins neither stalls the event loop the way bcryptjs's
// pure-JS rounds did nor takes the CPU message delivery needs). Hashes made by bcrypt
// before the switch still verify, and are replaced by an argon2id hash at the user's next successful login.
import { parseOptions } from '@node-rs/argon2'
import bcrypt from 'bcryptjs'
import { onPasswordThread } from './password-threads'

// configuration `passwords` (src/configuration.ts): argon2id memory (KiB), passes and lanes for new hashes, and
// how many hashes or verifications this process runs at once.
export interface PasswordSettings {
  memoryCostKiB: number
  timeCost: number
  parallelism: number
  concurrency?: number
}

// Why a limit: argon2id is made to cost CPU (tens of ms each). Off the event loop is not enough: 100 logins at
// once on four threads took both cores of a 2-core machine for seconds and delayed every message delivery by
// up to a second (bench/RESULTS.md). One at a time (the default) leaves the other cores to messaging; the
// logins of a storm queue instead, which is where the cost belongs.
let slots = 1
let running = 0
const queue: (() => void)[] = []

export const setPasswordConcurrency = (n: number | undefined) => {
  slots = Math.max(1, Math.floor(n ?? 1))
}

export const withPasswordSlot = async <T>(work: () => Promise<T>): Promise<T> => {
  if (running < slots) running++
  else await new Promise<void>((resolve) => queue.push(resolve))
  try {
    return await work()
  } finally {
    // The slot passes straight to the next waiter, so `running` only drops when nobody waits.
    const next = queue.shift()
    if (next) next()
    else running--
  }
}

const BCRYPT = /^\$2[abxy]\$/
const ARGON2ID = '$argon2id$'

// Without an explicit algorithm @node-rs/argon2 makes argon2id (its const enum cannot be imported under tsx).
export const hashPassword = (password: string, settings: PasswordSettings) =>
  withPasswordSlot(() =>
    onPasswordThread<string>('hash', [
      password,
      { memoryCost: settings.memoryCostKiB, timeCost: settings.timeCost, parallelism: settings.parallelism }
    ])
  )

// True when `password` matches the stored hash (argon2id, or a bcrypt hash from before); false for anything
// else, including a malformed stored value.
export const verifyPassword = async (stored: string | null | undefined, password: string) => {
  if (typeof stored !== 'string' || typeof password !== 'string') return false
  try {
    if (BCRYPT.test(stored)) return await bcrypt.compare(password, stored)
    if (stored.startsWith('$argon2'))
      return await withPasswordSlot(() => onPasswordThread<boolean>('verify', [stored, password]))
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
