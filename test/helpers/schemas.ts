// Output schemas as test oracles: results must match the TypeBox schema they are typed with, not just compile.
import assert from 'node:assert/strict'
import type { TSchema } from '@feathersjs/typebox'
import { Ajv, addFormats } from '@feathersjs/schema'
import type { ValidateFunction } from 'ajv'

// Own instance: the app's validators already hold schemas by $id, and nested $ids would collide on reuse.
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }), [
  'date-time',
  'time',
  'date',
  'email',
  'hostname',
  'uri',
  'uuid'
])
const compiled = new WeakMap<TSchema, ValidateFunction>()

const withoutIds = (schema: TSchema) =>
  JSON.parse(JSON.stringify(schema, (key, value) => (key === '$id' ? undefined : value)))

// Dates are compared as JSON sees them (REST delivers strings, internal calls Date objects).
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value))

export const assertMatches = (schema: TSchema, value: unknown) => {
  let validate = compiled.get(schema)
  if (!validate) {
    validate = ajv.compile(withoutIds(schema))
    compiled.set(schema, validate)
  }
  const values = Array.isArray(value) ? value : [value]
  for (const item of values) {
    if (!validate(asJson(item))) {
      assert.fail(
        `${schema.$id ?? 'schema'} mismatch: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(item)}`
      )
    }
  }
}

// A page from the adapter: {total, limit, skip, data} with every item matching the schema.
export const assertPageMatches = (schema: TSchema, page: any) => {
  assert.equal(typeof page?.total, 'number', 'page.total')
  assert.equal(typeof page?.limit, 'number', 'page.limit')
  assert.equal(typeof page?.skip, 'number', 'page.skip')
  assert.ok(Array.isArray(page?.data), 'page.data')
  assertMatches(schema, page.data)
}
