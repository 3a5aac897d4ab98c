// Turns any thrown value into a Feathers error with a stable `data.code`, so clients can branch on it.
import {
  BadRequest,
  Conflict,
  FeathersError,
  GeneralError,
  NotFound,
  Unavailable,
  convert
} from '@feathersjs/errors'
import { logger } from './logger'

const defaultCodes: Record<string, string> = {
  BadRequest: 'validation_error',
  NotAuthenticated: 'not_authenticated',
  PaymentError: 'payment_required',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  NotAcceptable: 'not_acceptable',
  Timeout: 'timeout',
  Conflict: 'conflict',
  Gone: 'gone',
  LengthRequired: 'length_required',
  Unprocessable: 'unprocessable',
  TooManyRequests: 'rate_limited',
  GeneralError: 'internal',
  NotImplemented: 'not_implemented',
  BadGateway: 'bad_gateway',
  Unavailable: 'unavailable'
}

// Unique indexes whose violation has a more telling code than plain `conflict`.
const uniqueConstraintCodes: Record<string, { code: string; message: string }> = {
  users_email_lower_unique: { code: 'email_taken', message: 'That email is already registered' },
  users_username_lower_unique: { code: 'username_taken', message: 'That username is taken' },
  orgs_slug_unique: { code: 'slug_taken', message: 'That slug is taken' }
}

const KNEX_ERROR = Symbol.for('@feathersjs/knex/error')

// PostgreSQL SQLSTATE codes that mean "the request was bad", not "the server broke".
const fromPostgres = (error: any): FeathersError | null => {
  const code: unknown = error?.code
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null
  if (code === '23505') {
    const specific = uniqueConstraintCodes[error.constraint]
    return new Conflict(specific?.message ?? 'Already exists', { code: specific?.code ?? 'conflict' })
  }
  if (code === '23503')
    return new BadRequest('Refers to something that does not exist', { code: 'invalid_reference' })
  if (code === '22P02' || code === '22007' || code === '22008')
    return new BadRequest('Malformed value', { code: 'validation_error' })
  if (code === '22001') return new BadRequest('Value too long', { code: 'validation_error' })
  if (code === '22003') return new BadRequest('Number out of range', { code: 'validation_error' })
  if (code === '23514' || code === '23502')
    return new BadRequest('Invalid value', { code: 'validation_error' })
  return null
}

// A dependency (PostgreSQL, Redis) that cannot be reached or went away mid-call: the request may succeed if
// retried, so it answers 503 `unavailable` rather than 500. Socket errors, pg's messages for a dropped
// connection, knex's pool timeout, SQLSTATE 08xxx (connection), 57P01-57P03 (shutdown, crash, not yet
// accepting), 57014 (statement_timeout), 53300 (too many connections), and ioredis giving up.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND'
])
const STATE_CODES = new Set(['57P01', '57P02', '57P03', '57014', '53300'])
const CONNECTION_MESSAGE =
  /Connection terminated|connection error|Connection ended|timeout exceeded when trying to connect|Query read timeout|Timeout acquiring a connection|Connection is closed|Command timed out|Reached the max retries per request/i

export const isConnectionError = (error: any, depth = 0): boolean => {
  if (!error || typeof error !== 'object' || depth > 3) return false
  // An error the app raised on purpose keeps its meaning; only what it wraps is looked at.
  if (error instanceof FeathersError && error.name !== 'GeneralError')
    return isConnectionError((error as any)[KNEX_ERROR], depth + 1)
  const code = error.code
  if (
    typeof code === 'string' &&
    (SOCKET_CODES.has(code) || STATE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  )
    return true
  if (error.name === 'KnexTimeoutError' || error.name === 'MaxRetriesPerRequestError') return true
  if (typeof error.message === 'string' && CONNECTION_MESSAGE.test(error.message)) return true
  return isConnectionError(error[KNEX_ERROR] ?? error.cause, depth + 1)
}

export const unavailable = (what = 'A service the server depends on is unavailable; try again shortly') =>
  new Unavailable(what, { code: 'unavailable' })

const describeAjv = (errors: any[]) =>
  errors
    .map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'data'
      const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''
      return `${where} ${e.message}${extra}`
    })
    .join('; ')

const fromUnknown = (input: any): FeathersError => {
  const status = input?.status ?? input?.statusCode
  if (status === 400 || status === 413 || status === 415) {
    // Koa's body parser: a malformed or oversized body is the client's fault.
    return new BadRequest(input.message || 'Malformed request', { code: 'malformed_request' })
  }
  logger.error({ err: input }, 'unexpected error')
  return new GeneralError('Internal error', { code: 'internal' })
}

export const toFeathersError = (input: unknown): FeathersError => {
  let error: FeathersError
  if (isConnectionError(input)) {
    error = unavailable()
  } else if (input instanceof FeathersError) {
    // The knex adapter wraps database errors; look underneath for the PostgreSQL code.
    const original = (input as any)[KNEX_ERROR]
    error = (original && fromPostgres(original)) || input
  } else if ((input as any)?.type === 'FeathersError') {
    error = convert(input as any)
  } else {
    error = fromPostgres(input) ?? fromUnknown(input)
  }
  if (Array.isArray(error.data)) {
    // Schema validation errors carry Ajv's list; keep it under `errors` and give a readable message.
    const errors = error.data
    ;(error as any).data = { code: 'validation_error', errors }
    error.message = describeAjv(errors) || error.message
  }
  if (!error.data || typeof error.data !== 'object') (error as any).data = {}
  if (!error.data.code) error.data.code = defaultCodes[error.name] ?? 'error'
  return error
}

export const notFound = (what = 'Not found') => new NotFound(what, { code: 'not_found' })
