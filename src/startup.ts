// Start-up checks of the whole configuration (the schema plus what a schema cannot say), and the one log
// object that prints the configuration in use with every secret masked.
import configuration from '@feathersjs/configuration'
import type { Application } from './declarations'
import { configurationValidator } from './configuration'

export const DEV_SECRET = 'chatboard-dev-secret-change-me-in-production'

// Keys whose values are secrets whatever they hold (an OAuth client id is `key`: masked too, harmlessly).
const SECRET_KEY = /secret|password|passwd|token|private|api_?key|^key$/i
const MASK = '***'

const maskUrl = (value: string) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return value
  }
  if (!url.password && ![...url.searchParams.keys()].some((key) => SECRET_KEY.test(key))) return value
  if (url.password) url.password = MASK
  for (const key of [...url.searchParams.keys()]) if (SECRET_KEY.test(key)) url.searchParams.set(key, MASK)
  return url.toString()
}

// A copy of the settings fit for a log: secret keys masked (empty ones kept, so "not set" stays visible) and
// passwords or tokens inside URLs masked.
export const redact = (value: unknown, key = ''): unknown => {
  if (Array.isArray(value)) return value.map((item) => redact(item))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]))
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value !== '') return MASK
    return maskUrl(value)
  }
  return value
}

// The settings that come from config/*.json and the environment (not the clients the app adds at runtime).
export const configuredSettings = (app: Application): Record<string, unknown> => {
  const names = Object.keys(configuration()() as Record<string, unknown>)
  return Object.fromEntries(names.map((name) => [name, app.get(name as any)]))
}

const urlProblem = (name: string, value: string, protocols: string[]) => {
  if (!value) return null
  try {
    const { protocol } = new URL(value)
    if (protocols.includes(protocol)) return null
  } catch {
    // reported below
  }
  return `${name} must be a ${protocols.join(' or ')} URL, got ${JSON.stringify(maskUrl(value))}`
}

// Every problem at once, so a deployment is fixed in one round; throws with all of them listed.
export const validateConfiguration = async (app: Application) => {
  const settings = configuredSettings(app)
  const problems: string[] = []
  try {
    await configurationValidator(settings)
  } catch (error: any) {
    const errors: any[] = error?.errors ?? error?.data ?? []
    if (errors.length === 0) problems.push(String(error?.message ?? error))
    for (const e of errors) problems.push(`${e.instancePath || '/'} ${e.message}`)
  }
  const s = settings as any
  if (process.env.NODE_ENV === 'production' && s.authentication?.secret === DEV_SECRET)
    problems.push('Set AUTH_SECRET: the development secret is refused when NODE_ENV=production')
  const port = Number(s.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`port must be 0..65535, got ${s.port}`)
  problems.push(
    ...[
      urlProblem('DATABASE_URL', s.database?.url ?? '', ['postgres:', 'postgresql:']),
      urlProblem('REDIS_URL', s.redisUrl ?? '', ['redis:', 'rediss:']),
      urlProblem('MONGODB_URL', s.jobs?.mongoUrl ?? '', ['mongodb:', 'mongodb+srv:']),
      urlProblem('SMTP_URL', s.smtp?.url ?? '', ['smtp:', 'smtps:']),
      urlProblem('PUBLIC_URL', s.publicUrl ?? '', ['http:', 'https:'])
    ].filter((p): p is string => p !== null)
  )
  const push = s.notifications?.push
  if (push && Boolean(push.vapidPublicKey) !== Boolean(push.vapidPrivateKey))
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all')
  if (problems.length > 0)
    throw new Error(`invalid configuration:\n  - ${[...new Set(problems)].join('\n  - ')}`)
  return settings
}
