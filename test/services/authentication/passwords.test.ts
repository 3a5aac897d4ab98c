// Password hashes: new ones are argon2id with the configured costs; bcrypt hashes from before still log in and
// become argon2id at that login; wrong passwords fail for both kinds, and an unknown email answers the same.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import bcrypt from 'bcryptjs'
import { hash, parseOptions } from '@node-rs/argon2'
import { sharedServer } from '../../helpers/server'
import { forEachTransport, connect } from '../../helpers/clients'
import type { TestClient } from '../../helpers/clients'
import { api, bearer, register } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import { passwordThread } from '../../../src/auth/password-threads'
import {
  hashPassword,
  needsRehash,
  setPasswordConcurrency,
  verifyPassword,
  withPasswordSlot
} from '../../../src/auth/passwords'

const storedHash = async (id: string): Promise<string> =>
  (await sharedServer().app.get('postgresqlClient')('users').where({ id }).first('password')).password
const setHash = (id: string, password: string) =>
  sharedServer().app.get('postgresqlClient')('users').where({ id }).update({ password })

// An account whose stored hash is bcrypt, as every account made before the switch to argon2id.
const legacyAccount = async (url: string): Promise<Account> => {
  const me = await register(url)
  await setHash(me.id, await bcrypt.hash(me.password, 4))
  return me
}

const refused = (e: any) =>
  e.name === 'NotAuthenticated' &&
  e.data?.code === 'invalid_credentials' &&
  e.message === 'Invalid email or password'

forEachTransport('password hashes', (transport) => {
  let url: string
  const open: TestClient[] = []
  const login = async (email: string, password: string) => {
    const tc = await connect(url, transport)
    open.push(tc)
    return tc.client.authenticate({ strategy: 'local', email, password })
  }
  before(() => {
    url = sharedServer().url
  })
  after(() => open.forEach((tc) => tc.close()))

  it('stores a new password as argon2id with the configured costs', async () => {
    const me = await register(url)
    const stored = await storedHash(me.id)
    assert.match(stored, /^\$argon2id\$/)
    const { memoryCostKiB, timeCost, parallelism } = sharedServer().app.get('passwords')
    const used = parseOptions(stored)
    assert.deepEqual(
      [used.memoryCost, used.timeCost, used.parallelism],
      [memoryCostKiB, timeCost, parallelism]
    )
  })

  it('logs a user with a bcrypt hash in and replaces the hash with argon2id', async () => {
    const me = await legacyAccount(url)
    assert.match(await storedHash(me.id), /^\$2[aby]\$/)
    const result = await login(me.email, me.password)
    assert.equal(result.user.id, me.id)
    const upgraded = await storedHash(me.id)
    assert.match(upgraded, /^\$argon2id\$/)
    assert.equal(await verifyPassword(upgraded, me.password), true)
    // The upgraded hash logs in too, and is left alone from then on.
    assert.equal((await login(me.email, me.password)).user.id, me.id)
    assert.equal(await storedHash(me.id), upgraded)
  })

  it('replaces an argon2id hash weaker than the configured costs at login', async () => {
    const me = await register(url)
    await setHash(me.id, await hash(me.password, { memoryCost: 16, timeCost: 1, parallelism: 1 }))
    await login(me.email, me.password)
    assert.equal(
      parseOptions(await storedHash(me.id)).memoryCost,
      sharedServer().app.get('passwords').memoryCostKiB
    )
  })

  it('refuses wrong passwords for bcrypt and argon2id hashes, and unknown emails, with the same answer', async () => {
    const legacy = await legacyAccount(url)
    const legacyHash = await storedHash(legacy.id)
    const current = await register(url)
    await assert.rejects(login(legacy.email, 'wrong password'), refused)
    await assert.rejects(login(current.email, 'wrong password'), refused)
    await assert.rejects(login(`nobody-${current.username}@example.com`, 'wrong password'), refused)
    // A failed login does not touch the stored hash.
    assert.equal(await storedHash(legacy.id), legacyHash)
  })
})

describe('password hashes: changing the password', () => {
  it('checks current_password against a bcrypt hash, and stores the new password as argon2id', async () => {
    const url = sharedServer().url
    const me = await legacyAccount(url)
    const wrong = await api(
      url,
      'PATCH',
      `/users/${me.id}`,
      { password: 'a new password 2', current_password: 'not it' },
      bearer(me.accessToken)
    )
    assert.equal(wrong.status, 403)
    assert.equal(wrong.body.data.code, 'invalid_current_password')
    const changed = await api(
      url,
      'PATCH',
      `/users/${me.id}`,
      { password: 'a new password 2', current_password: me.password },
      bearer(me.accessToken)
    )
    assert.equal(changed.status, 200, JSON.stringify(changed.body))
    const stored = await storedHash(me.id)
    assert.match(stored, /^\$argon2id\$/)
    assert.equal(await verifyPassword(stored, 'a new password 2'), true)
  })

  it('treats a malformed stored hash as a wrong password, and knows which hashes to replace', async () => {
    const settings = { memoryCostKiB: 64, timeCost: 1, parallelism: 1 }
    assert.equal(await verifyPassword('$argon2id$garbage', 'x'), false)
    assert.equal(await verifyPassword('plain text', 'plain text'), false)
    assert.equal(await verifyPassword(null, 'x'), false)
    assert.equal(needsRehash(await bcrypt.hash('x', 4), settings), true)
    assert.equal(
      needsRehash(await hash('x', { memoryCost: 64, timeCost: 1, parallelism: 1 }), settings),
      false
    )
    assert.equal(
      needsRehash(await hash('x', { memoryCost: 64, timeCost: 1, parallelism: 1 }), {
        ...settings,
        timeCost: 2
      }),
      true
    )
  })
})

describe('password hashes: one process hashes passwords.concurrency at a time', () => {
  after(() => setPasswordConcurrency(sharedServer().app.get('passwords').concurrency))

  // Work that stays in flight until released, recording how many ran at once and in which order they began.
  const gate = () => {
    const state = { active: 0, most: 0, began: [] as number[], release: [] as (() => void)[] }
    const work = (n: number) => () =>
      new Promise<number>((resolve, reject) => {
        state.active++
        state.most = Math.max(state.most, state.active)
        state.began.push(n)
        state.release.push(() => {
          state.active--
          if (n === 2) reject(new Error('this one fails'))
          else resolve(n)
        })
      })
    return { state, work }
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve))

  it('queues the rest in arrival order, and a failure frees its slot', async () => {
    for (const slots of [1, 2]) {
      setPasswordConcurrency(slots)
      const { state, work } = gate()
      const calls = [1, 2, 3, 4].map((n) => withPasswordSlot(work(n)).catch((e: Error) => e.message))
      await settle()
      assert.deepEqual(state.began, slots === 1 ? [1] : [1, 2])
      while (state.release.length > 0) {
        state.release.shift()!()
        await settle()
      }
      assert.deepEqual(await Promise.all(calls), [1, 'this one fails', 3, 4])
      assert.deepEqual(state.began, [1, 2, 3, 4])
      assert.equal(state.most, slots)
    }
  })

  it('runs real verifications through the slots (the default of one)', async () => {
    setPasswordConcurrency(undefined)
    const stored = await hash('pw', { memoryCost: 64, timeCost: 1, parallelism: 1 })
    const answers = await Promise.all([verifyPassword(stored, 'pw'), verifyPassword(stored, 'no')])
    assert.deepEqual(answers, [true, false])
  })
})

describe('password hashes: on a thread of the lowest CPU priority', () => {
  it('hashes and verifies on a thread of this process whose nice value the kernel reports as 19', async () => {
    const stored = await hashPassword('pw', { memoryCostKiB: 64, timeCost: 1, parallelism: 1 })
    assert.ok(stored.startsWith('$argon2id$'))
    assert.deepEqual(await Promise.all([verifyPassword(stored, 'pw'), verifyPassword(stored, 'no')]), [
      true,
      false
    ])
    const { tid } = await passwordThread()
    assert.ok(tid && tid !== process.pid, 'a thread of its own, not the event loop')
    // /proc/<pid>/task/<tid>/stat: the 19th field is the nice value (after the parenthesised name).
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    assert.equal(Number(fields[16]), 19)
    const main = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8')
    assert.equal(
      Number(main.slice(main.lastIndexOf(')') + 2).split(' ')[16]),
      0,
      'the event loop keeps its own'
    )
  })
})
