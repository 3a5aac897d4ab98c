// Uploads: create checks type, size (per-org overrides) and name, stores a pending row and answers with a
// presigned PUT; patch {status:'uploaded'} completes (S3 flow); reads are the owner's, plus ready files shared
// in a room the caller is a member of (get); remove deletes an unused upload and its object.
import crypto from 'node:crypto'
import { MethodNotAllowed } from '@feathersjs/errors'
import type { Id, NullableId } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { notFound } from '../../errors'
import { badUpload, conflict } from '../../uploads/errors'
import { markUploaded } from '../../uploads/lifecycle'
import { storageOf, uploadSettings } from '../../uploads/storage'
import { FILE_TYPES } from '../../uploads/types'
import type { Upload, UploadData, UploadPatch, UploadQuery } from './uploads.schema'

export type { Upload, UploadData, UploadPatch, UploadQuery }
export interface UploadParams extends KnexAdapterParams<UploadQuery> {}

// Names clients and tools commonly send for the allowed types.
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav'
}

export const canonicalType = (value: string) => {
  const type = value.split(';')[0].trim().toLowerCase()
  return ALIASES[type] ?? type
}

// A file name, not a path: no separators, no control or invisible characters, no leading dot, an extension.
const BAD_NAME = /[/\\\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/

const checkFilename = (filename: string, contentType: string) => {
  if (
    BAD_NAME.test(filename) ||
    filename.startsWith('.') ||
    filename.trim() !== filename ||
    !filename.length
  ) {
    throw badUpload(
      'The file name must be a plain name without paths or control characters',
      'invalid_filename'
    )
  }
  const dot = filename.lastIndexOf('.')
  const extension = dot > 0 ? filename.slice(dot + 1).toLowerCase() : ''
  const expected = FILE_TYPES[contentType].extensions
  if (!expected.includes(extension)) {
    throw badUpload(`A ${contentType} file is named .${expected.join(' or .')}`, 'extension_mismatch', {
      extensions: expected
    })
  }
}

export class UploadService extends KnexService<Upload, UploadData, UploadParams, UploadPatch> {
  constructor(public app: Application) {
    super({ Model: app.get('postgresqlClient'), name: 'uploads', paginate: app.get('paginate') })
  }

  // The largest size allowed for a type in the caller's org: the org's override, else the configured default.
  async maxBytes(orgId: string, contentType: string) {
    const org = await this.Model('orgs').where({ id: orgId }).first('upload_limits')
    const override = org?.upload_limits?.[contentType]
    if (typeof override === 'number' && override >= 0) return override
    return uploadSettings(this.app).maxBytes[FILE_TYPES[contentType].category]
  }

  // Mine, of my org (the hooks put owner_id and org_id into the query of external calls).
  override async find(params: UploadParams = {}): Promise<any> {
    return this._find(params)
  }

  // Mine, or a file of a message (not withdrawn) in a room I am a member of.
  override async get(id: Id, params: UploadParams = {}): Promise<Upload> {
    if (!params.provider) return this._get(id, params)
    const user = { ...requireUser(params), org_id: requireOrgId(params) }
    const db = this.Model
    const knex = db('uploads')
      .select('uploads.*')
      .where('uploads.org_id', user.org_id)
      .where((q) =>
        q.where('uploads.owner_id', user.id).orWhereExists(
          db('message_uploads as mu')
            .join('messages as m', 'm.id', 'mu.message_id')
            .join('room_members as rm', (j) =>
              j.on('rm.room_id', 'm.room_id').andOnVal('rm.user_id', user.id)
            )
            .whereRaw('mu.upload_id = uploads.id')
            .whereNull('m.deleted_at')
            .whereNull('m.unsent_at')
            .where('uploads.status', 'ready')
        )
      )
    return this._get(id, { ...params, query: {}, knex })
  }

  override async create(data: UploadData, params?: UploadParams): Promise<Upload>
  override async create(data: UploadData[], params?: UploadParams): Promise<Upload[]>
  override async create(
    data: UploadData | UploadData[],
    params: UploadParams = {}
  ): Promise<Upload | Upload[]> {
    if (Array.isArray(data)) throw new MethodNotAllowed('Create one upload at a time')
    const user = { ...requireUser(params), org_id: requireOrgId(params) }
    const contentType = canonicalType(data.content_type)
    if (!FILE_TYPES[contentType]) {
      throw badUpload(`Files of type ${contentType} cannot be uploaded`, 'unsupported_type', {
        allowed: Object.keys(FILE_TYPES)
      })
    }
    checkFilename(data.filename, contentType)
    const max = await this.maxBytes(user.org_id, contentType)
    if (max === 0) throw badUpload(`Files of type ${contentType} are not allowed here`, 'unsupported_type')
    if (data.size > max)
      throw badUpload(`Files of this type are at most ${max} bytes`, 'file_too_large', { max })
    const id = crypto.randomUUID()
    const [row] = await this.Model('uploads')
      .insert({
        id,
        org_id: user.org_id,
        owner_id: user.id,
        filename: data.filename,
        content_type: contentType,
        size: data.size,
        key: `${user.org_id}/${id}`
      })
      .returning('*')
    const expires = Math.floor(Date.now() / 1000) + uploadSettings(this.app).uploadUrlTtlSeconds
    const upload = await storageOf(this.app).uploadUrl(row, expires)
    return {
      ...row,
      upload_url: upload.url,
      upload_method: upload.method,
      upload_headers: upload.headers,
      upload_expires_at: new Date(expires * 1000).toISOString()
    }
  }

  // The completion step (the local driver's PUT does it by itself); the hooks confine it to the owner.
  override async patch(id: Id, data: UploadPatch, params?: UploadParams): Promise<Upload>
  override async patch(id: null, data: UploadPatch, params?: UploadParams): Promise<Upload[]>
  override async patch(id: NullableId, _data: UploadPatch, params: UploadParams = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Complete one upload at a time')
    const user = { ...requireUser(params), org_id: requireOrgId(params) }
    const { row } = await markUploaded(this.app, { id: String(id), owner_id: user.id, org_id: user.org_id })
    return row
  }

  // Removes the row, then the object. A file a message carries stays (409): the message would lose it.
  override async remove(id: Id, params?: UploadParams): Promise<Upload>
  override async remove(id: null, params?: UploadParams): Promise<Upload[]>
  override async remove(id: NullableId, params: UploadParams = {}): Promise<any> {
    if (id === null) throw new MethodNotAllowed('Remove one upload at a time')
    const user = { ...requireUser(params), org_id: requireOrgId(params) }
    const row = await this.Model.transaction(async (trx) => {
      const current = await trx('uploads')
        .where({ id, owner_id: user.id, org_id: user.org_id })
        .forUpdate()
        .first()
      if (!current) throw notFound('Upload not found')
      const used = await trx('message_uploads').where({ upload_id: id }).first()
      if (used) throw conflict('A message carries this file', 'upload_in_use')
      await trx('uploads').where({ id }).del()
      return current
    })
    await storageOf(this.app).remove(row.key)
    return row
  }
}
