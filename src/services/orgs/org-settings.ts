// Org settings an ADMIN may change through orgs.patch: per-type upload size overrides and the search language.
// Validated here (they depend on config and on what the database has installed); written in the patch's
// transaction after the orgs row (lock order: orgs row, then org_search_settings, whose trigger re-indexes
// the org's messages — see migrations/20261126021000_search.ts).
import { BadRequest } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { uploadSettings } from '../../uploads/storage'
import { FILE_TYPES } from '../../uploads/types'

export interface OrgSettings {
  upload_limits: Record<string, number>
  search_language: string
}

// Each key an allowed content type, each size a whole number of bytes between 0 (forbids the type) and the
// configured maximum of the type's category: an org may tighten the limits, never loosen them.
export const checkUploadLimits = (app: Application, limits: Record<string, unknown>) => {
  const max = uploadSettings(app).maxBytes
  for (const [type, size] of Object.entries(limits)) {
    const known = FILE_TYPES[type]
    if (!known) {
      throw new BadRequest(`${type} is not an allowed content type`, {
        code: 'invalid_upload_limits',
        content_type: type,
        allowed: Object.keys(FILE_TYPES)
      })
    }
    const ceiling = max[known.category]
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > ceiling) {
      throw new BadRequest(`The limit for ${type} is a whole number of bytes from 0 to ${ceiling}`, {
        code: 'invalid_upload_limits',
        content_type: type,
        max: ceiling
      })
    }
  }
}

// An installed text search configuration visible on the search path (what a cast to regconfig accepts).
export const checkSearchLanguage = async (db: Knex | Knex.Transaction, language: string) => {
  const found = await db('pg_ts_config')
    .where({ cfgname: language })
    .whereRaw('pg_ts_config_is_visible(oid)')
    .first('cfgname')
  if (!found) {
    const installed = await db('pg_ts_config')
      .whereRaw('pg_ts_config_is_visible(oid)')
      .orderBy('cfgname')
      .pluck('cfgname')
    throw new BadRequest(`${language} is not an installed text search configuration`, {
      code: 'invalid_search_language',
      installed
    })
  }
}

// Upserting the row fires the re-index trigger (only when the language really changes).
export const setSearchLanguage = async (trx: Knex.Transaction, orgId: string, language: string) => {
  await trx.raw(
    `insert into org_search_settings (org_id, language, updated_at) values (?, ?::regconfig, now())
     on conflict (org_id) do update set language = excluded.language, updated_at = excluded.updated_at`,
    [orgId, language]
  )
}

export const readSettings = async (db: Knex, org: { id: string; upload_limits?: unknown }) => {
  const row = await db('org_search_settings')
    .where({ org_id: org.id })
    .first(db.raw('language::text as language'))
  const limits = org.upload_limits
  return {
    upload_limits: limits && typeof limits === 'object' ? (limits as Record<string, number>) : {},
    search_language: row?.language ?? 'simple'
  } satisfies OrgSettings
}
