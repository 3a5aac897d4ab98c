// Turns TypeBox schemas into plain JSON Schema for the API documents and files them under components, by name.
import type { TSchema } from '@feathersjs/typebox'

export type JsonSchema = Record<string, any>

// TypeBox keeps its bookkeeping in symbol keys, which JSON drops; nested `$id`s would start resolution scopes
// that a document's `$ref`s do not expect, so they go too (a schema's name becomes its component key instead).
// A `Type.Ref(schema)` is a bare `$ref: '<$id>'`; `onRef` turns it into a reference the document can resolve.
export const plain = (
  schema: TSchema | JsonSchema,
  onRef: (id: string) => string = (id) => id
): JsonSchema => {
  const strip = (value: any): any => {
    if (Array.isArray(value)) return value.map(strip)
    if (!value || typeof value !== 'object') return value
    const out: Record<string, any> = {}
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && !inner.startsWith('#')) out[key] = onRef(inner)
      else if (key !== '$id') out[key] = strip(inner)
    }
    return out
  }
  return strip(JSON.parse(JSON.stringify(schema)))
}

// Component schemas of one document: the same schema asked for twice is filed once; two different schemas
// with one name get numbered. `refTargets` says what a `Type.Ref` to an `$id` stands for.
export const componentStore = (refPrefix: string, refTargets: Record<string, TSchema> = {}) => {
  const schemas: Record<string, JsonSchema> = {}
  const ref = (schema: TSchema | JsonSchema, fallbackName: string): JsonSchema => {
    const body = plain(schema, (id) => ref(refTargets[id] ?? { description: id }, id).$ref)
    const base = String((schema as any).$id ?? fallbackName).replace(/[^A-Za-z0-9._-]/g, '')
    let name = base
    for (let n = 2; schemas[name] && JSON.stringify(schemas[name]) !== JSON.stringify(body); n++)
      name = `${base}${n}`
    schemas[name] = body
    return { $ref: `${refPrefix}${name}` }
  }
  return { schemas, ref }
}

// The top-level properties of a query schema (an object, or the parts of an intersection), with required-ness.
export const queryProperties = (schema: TSchema | JsonSchema): Array<[string, JsonSchema, boolean]> => {
  const s = plain(schema)
  const parts: JsonSchema[] = s.properties ? [s] : [...(s.allOf ?? []), ...(s.anyOf ?? [])]
  const seen = new Map<string, [string, JsonSchema, boolean]>()
  for (const part of parts) {
    for (const [name, prop] of Object.entries<JsonSchema>(part.properties ?? {})) {
      if (!seen.has(name)) seen.set(name, [name, prop, (part.required ?? []).includes(name)])
    }
  }
  return [...seen.values()]
}

// Whether a query parameter is written in brackets (`$sort[name]=1`, `created_at[$gt]=…`) rather than as a value.
export const isStructured = (schema: JsonSchema): boolean =>
  schema.type === 'object' || schema.type === 'array' || (schema.anyOf ?? []).some(isStructured)

export const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')
