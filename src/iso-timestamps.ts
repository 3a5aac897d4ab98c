// Query options that read timestamptz columns as the ISO strings JSON would make of them, not as Dates: a
// catch-up page of 100 messages parsed ~250 Dates only to turn each back into the same string twice (the
// Socket.IO parser's binary check calls toJSON, then JSON.stringify does). For rows that only go out.
import pg from 'pg'

const TIMESTAMPTZ = 1184
// What PostgreSQL prints for a UTC session (DateStyle ISO): `2026-11-26 13:10:32.123456+00`.
const UTC = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/

// Exactly Date#toISOString of what pg's own parser makes of it: milliseconds truncated, always three digits.
// Any other form (another session time zone, a year past 9999, infinity) goes through pg's parser.
export const isoTimestamp = (text: string): unknown => {
  const utc = UTC.exec(text)
  if (utc) return `${utc[1]}T${utc[2]}.${((utc[3] ?? '') + '000').slice(0, 3)}Z`
  const parsed = pg.types.getTypeParser(TIMESTAMPTZ, 'text')(text)
  return parsed instanceof Date ? parsed.toISOString() : parsed
}

// For knex's `.options()`: `types` for pg, `parsers` for PGlite (each driver ignores the other's).
export const isoTimestampOptions = {
  types: {
    getTypeParser: (oid: number, format?: any) =>
      oid === TIMESTAMPTZ ? isoTimestamp : pg.types.getTypeParser(oid, format)
  },
  parsers: { [TIMESTAMPTZ]: isoTimestamp }
}
