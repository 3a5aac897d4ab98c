// Connection failures of PostgreSQL and Redis answer 503 `unavailable`; errors the app raises keep their meaning.
import assert from 'node:assert/strict'
import { BadRequest, GeneralError, NotFound } from '@feathersjs/errors'
import { KnexTimeoutError } from 'knex'
import { toFeathersError } from '../../src/errors'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

describe('faults: connection errors answer 503 unavailable', () => {
  const unavailable: Array<[string, unknown]> = [
    ['ECONNREFUSED', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET', withCode('ECONNRESET')],
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg: connection timeout', new Error('timeout exceeded when trying to connect')],
    ['knex acquire timeout', new KnexTimeoutError('Knex: Timeout acquiring a connection.')],
    ['57P01 admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['57P03 starting up', withCode('57P03', 'the database system is starting up')],
    ['08006 connection failure', withCode('08006')],
    ['57014 statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['ioredis closed', new Error('Connection is closed.')],
    ['ioredis command timeout', new Error('Command timed out')],
    [
      'knex adapter wrapping',
      Object.assign(new GeneralError('Connection terminated'), {
        [Symbol.for('@feathersjs/knex/error')]: new Error('Connection terminated unexpectedly')
      })
    ]
  ]
  for (const [what, input] of unavailable) {
    it(`maps ${what}`, () => {
      const error = toFeathersError(input)
      assert.equal(error.name, 'Unavailable')
      assert.equal(error.code, 503)
      assert.equal(error.data.code, 'unavailable')
    })
  }

  it('leaves errors the app raised on purpose alone', () => {
    assert.equal(toFeathersError(new BadRequest('Connection is closed', { code: 'x' })).name, 'BadRequest')
    assert.equal(toFeathersError(new NotFound('nope')).data.code, 'not_found')
    assert.equal(toFeathersError(withCode('23505')).name, 'Conflict')
  })
})
