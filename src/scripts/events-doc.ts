// `npm run docs:events`: writes docs/events.md from the event catalogue (src/realtime/events.ts), so the document
// cannot say anything the catalogue does not; test/realtime/events-doc.test.ts fails when the two differ.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { events, wireName } from '../realtime/events'

export const EVENTS_DOC_PATH = path.join(__dirname, '..', '..', 'docs', 'events.md')

interface Row {
  name: string
  type: string
  required: boolean
  nullable: boolean
  format: string
}

const isNull = (schema: any) => schema?.type === 'null'

// A literal's value as a reader writes it: strings quoted, anything else as JSON.
const literal = (value: unknown) => JSON.stringify(value)

// What the format column says: the JSON Schema format, then any constraint or description a field carries.
const formatOf = (schema: any): string => {
  const notes: string[] = []
  if (schema.format) notes.push(schema.format)
  for (const key of ['minLength', 'maxLength', 'minimum', 'maximum', 'pattern']) {
    if (schema[key] !== undefined) notes.push(`${key} ${schema[key]}`)
  }
  if (schema.description) notes.push(schema.description)
  return notes.join('; ')
}

interface Described {
  type: string
  nullable: boolean
  format: string
  // The object whose fields are listed under this one (an object, or the items of an array: `[]`).
  nested?: { schema: any; suffix: '' | '[]' }
}

// One field's type in words, whether null is allowed, its format and the fields nested in it.
const describe = (schema: any): Described => {
  if (schema.anyOf) {
    const options = schema.anyOf.filter((option: any) => !isNull(option))
    const nullable = options.length < schema.anyOf.length
    if (options.length > 0 && options.every((option: any) => option.const !== undefined)) {
      const type = options.map((option: any) => literal(option.const)).join(' or ')
      return { type, nullable, format: formatOf(options[0]) }
    }
    if (options.length === 1) return { ...describe(options[0]), nullable }
    return { type: options.map((option: any) => describe(option).type).join(' or '), nullable, format: '' }
  }
  if (schema.const !== undefined) return { type: literal(schema.const), nullable: false, format: '' }
  if (schema.type === 'array') {
    const item = describe(schema.items ?? {})
    const nested = item.nested && { schema: item.nested.schema, suffix: '[]' as const }
    return { type: `array of ${item.type}`, nullable: false, format: item.format, nested }
  }
  if (schema.type === 'object') {
    const nested = schema.properties ? { schema, suffix: '' as const } : undefined
    return { type: 'object', nullable: false, format: formatOf(schema), nested }
  }
  // No type at all (Type.Any, as the timestamps are declared today): the schema lets any value through, null too.
  if (schema.type === undefined) return { type: 'any', nullable: true, format: formatOf(schema) }
  return { type: String(schema.type), nullable: false, format: formatOf(schema) }
}

// The rows of an object schema, nested objects' fields after their parent as `parent.field`
// (`parent[].field` for the objects of an array).
const rowsOf = (schema: any, prefix = ''): Row[] => {
  const required = new Set<string>(schema.required ?? [])
  const rows: Row[] = []
  for (const [key, property] of Object.entries<any>(schema.properties ?? {})) {
    const { type, nullable, format, nested } = describe(property)
    const name = `${prefix}${key}`
    rows.push({ name, type, required: required.has(key), nullable, format })
    if (nested) rows.push(...rowsOf(nested.schema, `${name}${nested.suffix}.`))
  }
  return rows
}

// Table cells: a pipe would end the cell, a line break the row.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const code = (text: string) => (text ? `\`${text}\`` : '')

const table = (rows: Row[]) => [
  '| Field | Type | Required | Nullable | Format |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map(
    (row) =>
      `| ${code(row.name)} | ${cell(row.type)} | ${row.required ? 'yes' : 'no'} | ${row.nullable ? 'yes' : 'no'} | ${cell(row.format)} |`
  )
]

// The payload part of a section: a table of fields, or for an array payload, of each item's fields.
const payload = (schema: any): string[] => {
  const strict = (s: any) => (s.additionalProperties === false ? ' No other fields are sent.' : '')
  if (schema.type === 'array') {
    const items = schema.items ?? {}
    const name = items.$id ? ` (\`${items.$id}\`)` : ''
    return [`Payload: an array; each item is an object${name}.${strict(items)}`, '', ...table(rowsOf(items))]
  }
  const name = schema.$id ? ` (\`${schema.$id}\`)` : ''
  return [`Payload: an object${name}.${strict(schema)}`, '', ...table(rowsOf(schema))]
}

// A heading per catalogue entry; entries sharing a wire name keep their parenthesised part to tell them apart.
const heading = (key: string) => {
  const name = wireName(key)
  const variant = key.slice(name.length).trim()
  return `## \`${name}\`${variant ? ` ${variant}` : ''}`
}

const anchor = (key: string) =>
  heading(key)
    .slice(3)
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-')

export const renderEventsDoc = (): string => {
  const keys = Object.keys(events)
  const lines = [
    '# Realtime events',
    '',
    '<!-- Generated by `npm run docs:events` from src/realtime/events.ts. Do not edit by hand. -->',
    '',
    'Every event ChatBoard sends over Socket.IO, who receives it and what its payload holds. A socket event is',
    'named `<service> <event>` (listen with `client.service(name).on(event, ...)`); entries that share a name',
    'are versions of one event for different audiences. Payloads are projected onto these schemas before they',
    'are sent, and the tests validate every event they receive against them.',
    '',
    '| Event | Audience |',
    '| --- | --- |',
    ...keys.map((key) => `| [${heading(key).slice(3)}](#${anchor(key)}) | ${cell(events[key].audience)} |`)
  ]
  for (const key of keys) {
    const spec = events[key]
    lines.push('', heading(key), '', `**Audience:** ${spec.audience}`, '', spec.description, '')
    lines.push(...payload(spec.schema))
  }
  return `${lines.join('\n')}\n`
}

if (require.main === module) {
  writeFileSync(EVENTS_DOC_PATH, renderEventsDoc())
  console.log(`wrote ${path.relative(process.cwd(), EVENTS_DOC_PATH)}`)
}
