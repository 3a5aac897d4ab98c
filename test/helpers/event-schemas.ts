// Validates a received event against the catalogue: the payload must match one schema registered under its
// wire name (receipts have two: the reader's and the room's version). Returns a problem description or null.
import { Ajv, addFormats } from '@feathersjs/schema'
import { events, wireName } from '../../src/realtime/events'

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }), ['date-time', 'uuid', 'email', 'uri'])

const byName = new Map<string, Array<{ key: string; validate: any }>>()
for (const [key, spec] of Object.entries(events)) {
  const name = wireName(key)
  const list = byName.get(name) ?? []
  // The same schema object may appear under several keys: compile a copy without any $id so Ajv accepts it.
  const schema = JSON.parse(JSON.stringify(spec.schema, (k, v) => (k === '$id' ? undefined : v)))
  list.push({ key, validate: ajv.compile(schema) })
  byName.set(name, list)
}

export const checkEvent = (name: string, payload: unknown): string | null => {
  const candidates = byName.get(name)
  if (!candidates) return `event "${name}" is not in the catalogue (src/realtime/events.ts)`
  const failures: string[] = []
  for (const { key, validate } of candidates) {
    if (validate(payload)) return null
    failures.push(`${key}: ${ajv.errorsText(validate.errors)}`)
  }
  return `event "${name}" matches no schema: ${failures.join(' | ')} — payload ${JSON.stringify(payload).slice(0, 400)}`
}
