// Hostile payloads for the fuzz suite, drawn from a seeded PRNG so a failing run can be replayed (FUZZ_SEED).
import type { CallArgs, Method } from './attack'

export const mulberry32 = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type Rng = () => number
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]

export const ONE_MB = 'x'.repeat(1024 * 1024)
const CONTROL =
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f\u2028\u202e\ufeff'

const deep = (depth: number): unknown => {
  let value: unknown = { leaf: true }
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}
const deepArray = (depth: number): unknown => {
  let value: unknown = []
  for (let i = 0; i < depth; i++) value = [value]
  return value
}
// Own `__proto__` / `constructor` keys, as JSON.parse makes them (an object literal would set the prototype).
const protoKeys = () =>
  JSON.parse('{"__proto__":{"isAdmin":true,"role":"ADMIN"},"constructor":{"prototype":{"polluted":1}}}')

const uuid = '6f1c1c3e-8a4f-4c1e-9a53-1f0e2d3c4b5a'

export const hostileValue = (rng: Rng): unknown => {
  switch (Math.floor(rng() * 24)) {
    case 0:
      return null
    case 1:
      return true
    case 2:
      return pick(rng, [0, -1, 1.5, 1e308, -1e308, 2 ** 63, Number.MAX_SAFE_INTEGER + 2])
    case 3:
      return ''
    case 4:
      return []
    case 5:
      return {}
    case 6:
      return `a\u0000b`
    case 7:
      return CONTROL
    case 8:
      return rng() < 0.1 ? ONE_MB : 'y'.repeat(5000 + Math.floor(rng() * 20000))
    case 9:
      return deep(50 + Math.floor(rng() * 1000))
    case 10:
      return deepArray(50 + Math.floor(rng() * 1000))
    case 11:
      return protoKeys()
    case 12:
      return { $gt: '' }
    case 13:
      return { $ne: null }
    case 14:
      return { $where: 'sleep(10)' }
    case 15:
      return { $regex: '^(a+)+$' }
    case 16:
      return "' OR 1=1; DROP TABLE users; --"
    case 17:
      return '../../../../etc/passwd'
    case 18:
      return ['a', 1, null, {}]
    case 19:
      return '\ud800'
    case 20:
      return 'NaN'
    case 21:
      return `${uuid}\u0000`
    case 22:
      return { toString: 'x', valueOf: 1, hasOwnProperty: 'no' }
    default:
      return '<script>alert(1)</script>'
  }
}

const FIELDS = [
  'name',
  'email',
  'username',
  'password',
  'current_password',
  'role',
  'status',
  'org_id',
  'id',
  'room_id',
  'user_id',
  'body',
  'topic',
  'kind',
  'member_ids',
  'join_code',
  'token',
  'invite_token',
  'scopes',
  'level',
  'endpoint',
  'keys',
  'read_seq',
  'delivered_seq',
  'stopped',
  'block',
  'read',
  'unsent',
  'archived',
  'muted',
  'strategy',
  'accessToken',
  'refreshToken',
  'client_msg_id',
  'slug',
  'retention_days',
  'bio',
  'avatar_url'
] as const

export const hostileData = (rng: Rng): unknown => {
  const roll = rng()
  if (roll < 0.06) return pick(rng, [null, 1, 'text', true, [], [{}], [1, 2, 3]])
  if (roll < 0.1) return deep(500 + Math.floor(rng() * 1500))
  const data: Record<string, unknown> = rng() < 0.25 ? protoKeys() : {}
  const n = 1 + Math.floor(rng() * 4)
  for (let i = 0; i < n; i++) data[pick(rng, FIELDS)] = hostileValue(rng)
  // Always one key no schema knows (own `__proto__` included), so every write here must be refused.
  const key = pick(rng, [
    '$where',
    '$or',
    '$select',
    '$set',
    '$push',
    '__proto__',
    'constructor',
    'is_admin',
    'password_hash'
  ])
  Object.defineProperty(data, key, {
    value: hostileValue(rng),
    enumerable: true,
    writable: true,
    configurable: true
  })
  return data
}

export const hostileQuery = (rng: Rng): Record<string, unknown> => {
  switch (Math.floor(rng() * 16)) {
    case 0:
      return { $where: '1 = 1' }
    case 1:
      return { name: { $regex: '.*' }, email: { $regex: '(a+)+$' } }
    case 2:
      return {
        $or: Array.from({ length: rng() < 0.05 ? 20000 : 200 + Math.floor(rng() * 2000) }, (_, i) => ({
          name: `n${i}`
        }))
      }
    case 3:
      return {
        $select: pick(rng, [['password'], ['password', 'token_hash'], ['key_hash', 'secret'], 'password'])
      }
    case 4:
      return { $limit: hostileValue(rng), $skip: hostileValue(rng) }
    case 5:
      return { $sort: { password: 1, [pick(rng, ['token_hash', 'x; drop table users', '__proto__'])]: -1 } }
    case 6:
      return { id: { $in: Array.from({ length: 5000 }, () => uuid) } }
    case 7:
      return { room_id: `${uuid}\u0000`, q: 'a\u0000b', after: -1, before: 'x' }
    case 8:
      return { q: hostileValue(rng), user_ids: hostileValue(rng) }
    case 9:
      return { [pick(rng, FIELDS)]: hostileValue(rng) }
    case 10:
      return protoKeys()
    case 11:
      return { $and: [{ $or: [{ password: { $ne: null } }] }], org_id: { $ne: uuid } }
    case 12:
      return { room_id: uuid, $limit: 100000, order: 'sideways', updated_after: 'yesterday' }
    case 13:
      return { message_id: hostileValue(rng), action: { $like: '%' } }
    case 14:
      return { $populate: 'users', $eager: 'org', $joinRelation: 'users' }
    default:
      return { [`${CONTROL}key`]: CONTROL }
  }
}

export const hostileId = (rng: Rng, realIds: string[]): unknown =>
  pick(rng, [
    pick(rng, realIds),
    uuid,
    '../../etc/passwd',
    '..\\..\\windows',
    `a\u0000b`,
    'x'.repeat(10000),
    "1' OR '1'='1",
    '__proto__',
    'constructor',
    123,
    -1,
    1e308,
    true,
    {},
    [],
    { $ne: null },
    CONTROL
  ])

// REST-only shapes: paths a router must survive and bodies a JSON client never sends.
export const RAW_PATHS = [
  '/users/..%2F..%2Fetc',
  '/users/..%2f..%2fetc%2fpasswd',
  '/users/%2e%2e',
  '/users/..%5C..%5Cwindows',
  '/users/%5C',
  '/rooms/%00',
  '/messages/a%00b',
  '/users/%ZZ',
  '/users/%E0%A4%A',
  '/../../etc/passwd',
  '/users/..',
  '/users/.%2e/.%2e/etc',
  '/users/%252e%252e%252f',
  '/users//..//..//',
  '/users?%00=1',
  '/user-search?q=a%00b',
  '/users?$limit[$gt]=1',
  '/users?name[$regex]=.*',
  '/users?a[b][c][d][e][f][g][h][i][j][k]=1',
  '/rooms?' + 'a[]=1&'.repeat(3000),
  '/nonexistent',
  '/__proto__',
  '/constructor/prototype',
  '/users/' + 'x'.repeat(9000)
]

export const RAW_BODIES: Array<{ body: string | Uint8Array; type: string }> = [
  { body: 'not json at all', type: 'application/json' },
  { body: '{"unterminated": ', type: 'application/json' },
  { body: '', type: 'application/json' },
  { body: '\u0000\u0001\u0002', type: 'application/json' },
  { body: '{"name":"a"}', type: 'text/plain' },
  { body: 'name=a&role=ADMIN&__proto__[x]=1', type: 'application/x-www-form-urlencoded' },
  { body: '<xml><name>a</name></xml>', type: 'application/xml' },
  {
    body: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--',
    type: 'multipart/form-data; boundary=b'
  },
  { body: new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x9f]), type: 'application/octet-stream' },
  { body: '{"a":1}', type: 'application/json; charset=utf-16' },
  { body: '{"a":1}', type: 'application/json; charset=bogus' },
  { body: '[' + '['.repeat(100000), type: 'application/json' },
  { body: '{"__proto__":{"role":"ADMIN"}}', type: 'application/json' },
  { body: '{"name":"a","name":{"$gt":""}}', type: 'application/json' },
  { body: '1e999999', type: 'application/json' }
]

export const METHODS: Method[] = ['find', 'get', 'create', 'patch', 'remove', 'update']

export const hostileArgs = (rng: Rng, method: Method, realIds: string[]): CallArgs => {
  const args: CallArgs = {}
  // Real ids only where a refusal is still certain (the data is hostile); a remove never gets one.
  if (['get', 'patch', 'remove', 'update'].includes(method))
    args.id = hostileId(rng, method === 'remove' ? ['00000000-0000-0000-0000-000000000000'] : realIds) as any
  if (['create', 'patch', 'update'].includes(method)) args.data = hostileData(rng)
  if (method === 'find' || rng() < 0.3) args.query = hostileQuery(rng)
  return args
}
