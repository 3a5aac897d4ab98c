// Output schemas as test oracles: results must match the TypeBox schema they are typed with, not just compile.
import assert from 'node:assert/strict'
import type { TSchema } from '@feathersjs/typebox'
import { Ajv, addFormats } from '@feathersjs/schema'
import type { ValidateFunction } from 'ajv'

// One Ajv per schema: the app's validators already hold schemas by $id, and schemas embedding the same
// sub-schema would collide in a shared instance. `refs` are the schemas a Type.Ref points to.
const newAjv = () =>
  addFormats(new Ajv({ allErrors: true, strict: false }), [
    'date-time',
    'time',
    'date',
    'email',
    'hostname',
    'uri',
    'uuid'
  ])
const compiled = new WeakMap<TSchema, { ajv: Ajv; validate: ValidateFunction }>()

// Dates are compared as JSON sees them (REST delivers strings, internal calls Date objects).
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value))

export const assertMatches = (schema: TSchema, value: unknown, refs: TSchema[] = []) => {
  let entry = compiled.get(schema)
  if (!entry) {
    const ajv = newAjv()
    for (const ref of refs) ajv.addSchema(ref)
    entry = { ajv, validate: ajv.compile(schema) }
    compiled.set(schema, entry)
  }
  const { ajv, validate } = entry
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
