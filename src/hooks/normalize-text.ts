// Normalizes text fields of incoming data before validation, so length limits apply to what is stored.
import type { HookContext } from '../declarations'

export type TextKind = 'line' | 'multiline' | 'lower'

// C0/C1 control characters except tab and newline, plus zero-width and bidi-override characters.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g

export const cleanText = (value: string, kind: TextKind): string => {
  const text = value.normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROL, '')
  if (kind === 'multiline') {
    return text
      .replace(/\t/g, ' ')
      .split('\n')
      .map((line) => line.replace(/ {2,}/g, ' ').trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  }
  const line = text.replace(/\s+/g, ' ').trim()
  return kind === 'lower' ? line.toLowerCase() : line
}

export const normalizeText = (fields: Record<string, TextKind>) => async (context: HookContext) => {
  const apply = (data: any) => {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return data
    const out = { ...data }
    for (const [field, kind] of Object.entries(fields)) {
      if (typeof out[field] === 'string') out[field] = cleanText(out[field], kind)
    }
    return out
  }
  context.data = Array.isArray(context.data) ? context.data.map(apply) : apply(context.data)
}
